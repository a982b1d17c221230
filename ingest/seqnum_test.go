package ingest

import (
	"math/big"
	"testing"
)

func TestSequenceNumberText(t *testing.T) {
	base := new(big.Int).Lsh(big.NewInt(1), 124)
	for _, s := range []SequenceNumber{{0, 0}, {0, 1}, {3, 42}, {1<<32 - 1, 1<<64 - 1}, {7, 1e19}, {0, 1e19 - 1}} {
		want := new(big.Int).Lsh(new(big.Int).SetUint64(uint64(s.Shard)), 64)
		want.Or(want, new(big.Int).SetUint64(s.Offset))
		want.Add(want, base)
		got := s.String()
		if got != want.String() || len(got) != 38 {
			t.Fatalf("%+v: %s, want %s", s, got, want)
		}
		back, err := ParseSequenceNumber(got)
		if err != nil || back != s {
			t.Fatalf("parse %s = %+v, %v", got, back, err)
		}
	}
	// Text order is numeric order.
	a := SequenceNumber{Shard: 1, Offset: 1<<64 - 1}.String()
	b := SequenceNumber{Shard: 2, Offset: 1}.String()
	if !(a < b) {
		t.Fatalf("%s !< %s", a, b)
	}
	for _, bad := range []string{"", "12", "-0000000000000000000000000000000000001", "2127000000000000000000000000000000000x", "99999999999999999999999999999999999999"} {
		if _, err := ParseSequenceNumber(bad); err == nil {
			t.Fatalf("ParseSequenceNumber(%q) succeeded", bad)
		}
	}
}

func TestHashKeys(t *testing.T) {
	r := EvenRanges(3)
	if r[0].Start != (HashKey{}) || r[2].End != MaxHashKey || r[0].End.Add1() != r[1].Start || r[1].End.Add1() != r[2].Start {
		t.Fatalf("EvenRanges(3) = %v", r)
	}
	if r[1].Start.String() != "113427455640312821154458202477256070485" {
		t.Fatalf("second shard starts at %s", r[1].Start)
	}
	k, err := ParseHashKey("340282366920938463463374607431768211455")
	if err != nil || k != MaxHashKey {
		t.Fatalf("max hash key: %v %v", k, err)
	}
	for _, bad := range []string{"340282366920938463463374607431768211456", "-1", "", "1e5", "+5"} {
		if _, err := ParseHashKey(bad); err == nil {
			t.Fatalf("ParseHashKey(%q) succeeded", bad)
		}
	}
	if id, err := ParseShardID("shardId-000000000042"); err != nil || id != 42 || ShardID(42) != "shardId-000000000042" {
		t.Fatalf("shard id: %d %v", id, err)
	}
}

func BenchmarkSequenceNumberString(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = SequenceNumber{Shard: 3, Offset: uint64(i)}.String()
	}
}
