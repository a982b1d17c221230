package lakescan

import (
	"math/bits"
	"sync"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Size classes of bufferPool: powers of two from 64 bytes (Arrow's
// alignment) to 1 GiB; larger buffers are not recycled.
const (
	minPoolClass = 6
	maxPoolClass = 30
)

// bufferPool is the allocator Parquet decoding uses: Go memory, like
// memory.GoAllocator, but a freed buffer goes back to a pool of its size
// class and a later Allocate reuses it. A scan frees each batch's buffers
// when the batch is released and allocates the same sizes for the next
// one, so recycling them spares the garbage collector most of the scan's
// allocation (several bytes per row and column), which otherwise costs
// more than decoding.
//
// Buffers come back zeroed, as from make. A buffer never freed (arrow-go's
// readers leave a few to the garbage collector) is simply collected.
// Buffers are whole slices of capacity 2^k, so Free recognises its own;
// anything else it leaves to the garbage collector.
type bufferPool struct {
	classes [maxPoolClass + 1]sync.Pool // of unsafe.Pointer to 2^class bytes
}

var _ memory.Allocator = (*bufferPool)(nil)

// poolClass is the size class of a buffer of n bytes.
func poolClass(n int) int {
	return max(minPoolClass, bits.Len(uint(n-1)))
}

func (p *bufferPool) Allocate(n int) []byte {
	if n <= 0 {
		return []byte{}
	}
	c := poolClass(n)
	if c > maxPoolClass {
		return make([]byte, n)
	}
	if v := p.classes[c].Get(); v != nil {
		b := unsafe.Slice((*byte)(v.(unsafe.Pointer)), 1<<c)[:n]
		clear(b)
		return b
	}
	return make([]byte, n, 1<<c)
}

func (p *bufferPool) Reallocate(n int, b []byte) []byte {
	if n <= cap(b) {
		old := len(b)
		b = b[:n]
		if n > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.Allocate(n)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *bufferPool) Free(b []byte) {
	c := cap(b)
	if c < 1<<minPoolClass || c > 1<<maxPoolClass || c&(c-1) != 0 {
		return
	}
	p.classes[bits.TrailingZeros(uint(c))].Put(unsafe.Pointer(unsafe.SliceData(b)))
}
