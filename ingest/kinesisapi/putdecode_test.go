package kinesisapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// oraclePut is the PutRecords request as encoding/json decodes it.
type oraclePut struct {
	Records []struct {
		Data            []byte
		PartitionKey    *string
		ExplicitHashKey *string
	}
	StreamName *string
	StreamARN  *string
	StreamId   *string
	DryRun     *bool
}

// comparePutDecoders decodes body with decodePutRecords and with
// encoding/json and reports how they differ ("" if they agree).
func comparePutDecoders(body []byte) string {
	got, err := decodePutRecords(body)
	var want oraclePut
	werr := json.Unmarshal(body, &want)
	switch {
	case err != nil && werr != nil:
		return ""
	case err != nil && strings.Contains(err.Error(), "is given twice"):
		return "" // the one deliberate difference
	case err != nil:
		return fmt.Sprintf("scanner rejects (%v) what encoding/json accepts", err)
	case werr != nil:
		return fmt.Sprintf("scanner accepts what encoding/json rejects (%v)", werr)
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q", *p)
	}
	if str(got.ref.StreamName) != str(want.StreamName) || str(got.ref.StreamARN) != str(want.StreamARN) || str(got.ref.StreamID) != str(want.StreamId) {
		return fmt.Sprintf("stream: got %s %s %s, want %s %s %s", str(got.ref.StreamName), str(got.ref.StreamARN), str(got.ref.StreamID),
			str(want.StreamName), str(want.StreamARN), str(want.StreamId))
	}
	if got.dryRun != (want.DryRun != nil && *want.DryRun) {
		return "DryRun differs"
	}
	if got.hasList != (want.Records != nil) || len(got.records) != len(want.Records) {
		return fmt.Sprintf("records: got %v/%d, want %v/%d", got.hasList, len(got.records), want.Records != nil, len(want.Records))
	}
	for i, w := range want.Records {
		g, p := got.records[i], got.present[i]
		if (p&hasData != 0) != (w.Data != nil) || !bytes.Equal(g.Data, w.Data) {
			return fmt.Sprintf("record %d data: got %q (%v), want %q", i, g.Data, p&hasData != 0, w.Data)
		}
		if (p&hasKey != 0) != (w.PartitionKey != nil) || (w.PartitionKey != nil && g.PartitionKey != *w.PartitionKey) {
			return fmt.Sprintf("record %d key: got %q, want %s", i, g.PartitionKey, str(w.PartitionKey))
		}
		if (p&hasHashKey != 0) != (w.ExplicitHashKey != nil) || (w.ExplicitHashKey != nil && g.ExplicitHashKey != *w.ExplicitHashKey) {
			return fmt.Sprintf("record %d hash key: got %q, want %s", i, g.ExplicitHashKey, str(w.ExplicitHashKey))
		}
	}
	return ""
}

var putSeeds = []string{
	`{"StreamName":"s","Records":[{"Data":"aGVsbG8=","PartitionKey":"k"},{"Data":"","PartitionKey":"k2","ExplicitHashKey":"123"}]}`,
	`{"Records":[],"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","DryRun":true}`,
	` { "records" : [ null , { "data" : null , "partitionKey" : "\u00e9\ud83d\udd11" } ] , "streamname" : "a\"b" } `,
	`{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"caf\xc3\xa9","Extra":{"a":[1,-2.5e3,true,false,null,"x"]}}],"Other":0}`,
	`{"StreamName":"s","Records":[{"Data":"AA\u003d\u003d","PartitionKey":"\xff\xfe"}]}`,
	`null`,
	`{}`,
	`{"Records":null}`,
	`{"Records":[{"Data":"A"}]}`,
	`{"Records":[{"Data":"AA==\n"}]}`,
	`{"Records":[{"Data":5}]}`,
	`{"Records":{"Data":"AA=="}}`,
	`{"StreamName":1}`,
	`{"DryRun":"yes"}`,
	`{"StreamName":"s",}`,
	`{"StreamName":"s"} x`,
	`[1,2]`,
	`"s"`,
	`{"a":01}`,
	`{"a":"\x01"}`,
	`{"a":"\q"}`,
	`{"Records":[{"Data":"AA==","Data":"AQ=="}]}`,
	`{"Records":[{"Data":"AA=="},]}`,
	`{"K\u0065y":1,"Re\u0063ords":[]}`,
	`{"ſtreamName":"kelvin and long s fold like encoding/json"}`,
	"",
	"   ",
}

func TestPutDecoderAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range putSeeds {
		if diff := comparePutDecoders([]byte(s)); diff != "" {
			t.Errorf("%s: %s", s, diff)
		}
	}
}

func FuzzPutRecordsDecoder(f *testing.F) {
	for _, s := range putSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if diff := comparePutDecoders(body); diff != "" {
			t.Fatalf("%q: %s", body, diff)
		}
	})
}

func putRecordsBody(n, size int) []byte {
	var b strings.Builder
	b.WriteString(`{"StreamName":"bench","Records":[`)
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5}, size))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Data":"%s","PartitionKey":"partition-key-%d"}`, data, i)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// BenchmarkDecodePutRecords compares the PutRecords scanner with
// encoding/json on a 500 × 100 B request.
func BenchmarkDecodePutRecords(b *testing.B) {
	body := putRecordsBody(500, 100)
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodePutRecords(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var v oraclePut
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
