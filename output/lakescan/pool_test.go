package lakescan

import "testing"

// A freed buffer is handed out again, zeroed; odd sizes round up to a
// class; foreign and huge buffers are left to the garbage collector.
func TestBufferPool(t *testing.T) {
	var p bufferPool
	b := p.Allocate(100)
	if len(b) != 100 || cap(b) != 128 {
		t.Fatalf("len %d cap %d, want 100 and 128", len(b), cap(b))
	}
	for i := range b {
		b[i] = 0xff
	}
	p.Free(b)
	c := p.Allocate(120)
	if &c[0] != &b[0] {
		t.Log("buffer not reused (the pool was emptied by a collection)")
	}
	for i, x := range c {
		if x != 0 {
			t.Fatalf("byte %d of a reused buffer is %#x", i, x)
		}
	}
	c = p.Reallocate(128, c)
	if len(c) != 128 || c[127] != 0 {
		t.Fatalf("reallocate in place: len %d", len(c))
	}
	c = p.Reallocate(1000, c)
	if len(c) != 1000 || cap(c) != 1024 {
		t.Fatalf("reallocate: len %d cap %d", len(c), cap(c))
	}
	p.Free(make([]byte, 100)) // not a class size: ignored
	p.Free(nil)
	if e := p.Allocate(0); len(e) != 0 {
		t.Fatal("Allocate(0) is not empty")
	}
	if small := p.Allocate(1); cap(small) != 1<<minPoolClass {
		t.Fatalf("Allocate(1) has cap %d", cap(small))
	}
}
