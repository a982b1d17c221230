package lakescan

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/schema"
)

// Reading dictionary indices directly. arrow-go reads a dictionary-encoded
// column as a dictionary by decoding each batch's indices into a []uint64,
// copying them to a []int and a []bool of validity, then to the builder's
// []int32 and bitmap: three allocations and four passes per row, which
// cost more than all the rest of a low-cardinality GROUP BY. dictReader
// decodes a column chunk's pages itself — arrow-go's page reader still
// finds, decompresses and checks them — straight into the int32 indices
// and validity bitmap of a dictionary array.
//
// It reads only the simplest case, which is what the lake writes: a flat
// BYTE_ARRAY column (no repetition, definition level 0 or 1) whose
// dictionary page is PLAIN and whose data pages, by the chunk's encoding
// statistics, are all RLE_DICTIONARY (or PLAIN_DICTIONARY), with RLE
// definition levels. Anything else goes through arrow-go.

// Thrift PageType values (parquet.thrift) of PageEncodingStats.
const (
	pageTypeDictionary = 2
)

// directDict reports whether dictReader reads leaf l of row group rg.
func directDict(rg *metadata.RowGroupMetaData, col *schema.Column, l int) bool {
	if col.PhysicalType() != parquet.Types.ByteArray || col.MaxRepetitionLevel() != 0 || col.MaxDefinitionLevel() > 1 {
		return false
	}
	cc, err := rg.ColumnChunk(l)
	if err != nil || !cc.HasDictionaryPage() || slices.Contains(cc.Encodings(), parquet.Encodings.BitPacked) {
		return false
	}
	stats := cc.EncodingStats()
	if len(stats) == 0 {
		return false // no statistics: a data page may be plain
	}
	for _, st := range stats {
		if int64(st.PageType) == pageTypeDictionary {
			if st.Encoding != parquet.Encodings.Plain && st.Encoding != parquet.Encodings.PlainDict {
				return false
			}
		} else if st.Encoding != parquet.Encodings.RLEDict && st.Encoding != parquet.Encodings.PlainDict {
			return false
		}
	}
	return true
}

var errNotDictionary = errors.New("not a dictionary-encoded column chunk")

// dictReader reads one column chunk that directDict accepts, as
// dictionary arrays (int32 indices into String values).
type dictReader struct {
	pages  file.PageReader
	maxDef int16
	mem    memory.Allocator
	dt     *arrow.DictionaryType
	dict   *array.String // the chunk's dictionary
	defs   hybrid        // definition levels of the current page
	idx    hybrid        // indices of the current page
	left   int           // rows of the current page not read yet
	// scratch
	levels []int32
	vals   []int32
}

func newDictReader(pages file.PageReader, col *schema.Column, mem memory.Allocator) *dictReader {
	return &dictReader{pages: pages, maxDef: col.MaxDefinitionLevel(), mem: mem,
		dt: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}}
}

// release releases the dictionary.
func (r *dictReader) release() {
	if r.dict != nil {
		r.dict.Release()
		r.dict = nil
	}
}

// read returns the next n rows as a dictionary array, which the caller
// releases.
func (r *dictReader) read(n int) (arrow.Array, error) {
	idxBuf := memory.NewResizableBuffer(r.mem)
	idxBuf.Resize(n * 4)
	out := arrow.Int32Traits.CastFromBytes(idxBuf.Bytes())[:n]
	var valid *memory.Buffer
	var validBits []byte
	nulls := 0
	release := func() {
		idxBuf.Release()
		if valid != nil {
			valid.Release()
		}
	}
	for done := 0; done < n; {
		if r.left == 0 {
			if err := r.nextPage(); err != nil {
				release()
				return nil, err
			}
			continue
		}
		m := min(n-done, r.left)
		k, err := r.readRows(out[done:done+m], func(i int) {
			if valid == nil {
				valid = memory.NewResizableBuffer(r.mem)
				valid.Resize(int(bitutil.BytesForBits(int64(n))))
				validBits = valid.Bytes()
				bitutil.SetBitsTo(validBits, 0, int64(n), true)
			}
			bitutil.ClearBit(validBits, done+i)
			nulls++
		})
		if err != nil {
			release()
			return nil, err
		}
		done += k
		r.left -= k
	}
	data := array.NewDataWithDictionary(r.dt, n, []*memory.Buffer{valid, idxBuf}, nulls, 0, r.dict.Data().(*array.Data))
	arr := array.MakeFromData(data)
	data.Release()
	release()
	return arr, nil
}

// readRows decodes len(out) rows of the current page into out, calling
// null with the index of each NULL row (whose index is left 0).
func (r *dictReader) readRows(out []int32, null func(int)) (int, error) {
	m := len(out)
	present := m
	if r.maxDef > 0 {
		all, err := r.defs.repeats(m, int32(r.maxDef))
		if err != nil {
			return 0, fmt.Errorf("definition levels: %w", err)
		}
		if !all {
			r.levels = slices.Grow(r.levels[:0], m)[:m]
			if err := r.defs.read(r.levels); err != nil {
				return 0, fmt.Errorf("definition levels: %w", err)
			}
			present = 0
			for _, d := range r.levels {
				if d == int32(r.maxDef) {
					present++
				}
			}
		}
	}
	if present == m {
		if err := r.idx.read(out); err != nil {
			return 0, fmt.Errorf("dictionary indices: %w", err)
		}
		return m, r.check(out)
	}
	r.vals = slices.Grow(r.vals[:0], present)[:present]
	if err := r.idx.read(r.vals); err != nil {
		return 0, fmt.Errorf("dictionary indices: %w", err)
	}
	if err := r.check(r.vals); err != nil {
		return 0, err
	}
	j := 0
	for i, d := range r.levels {
		if d == int32(r.maxDef) {
			out[i] = r.vals[j]
			j++
		} else {
			out[i] = 0
			null(i)
		}
	}
	return m, nil
}

// check fails unless every index is in the dictionary.
func (r *dictReader) check(idx []int32) error {
	n := uint32(r.dict.Len())
	bad := 0
	for _, j := range idx {
		if uint32(j) >= n {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("dictionary index out of range [0, %d)", n)
	}
	return nil
}

// nextPage moves to the next data page, reading the dictionary page on
// the way.
func (r *dictReader) nextPage() error {
	for {
		if !r.pages.Next() {
			if err := r.pages.Err(); err != nil {
				return err
			}
			return errors.New("column chunk ended before its rows")
		}
		switch p := r.pages.Page().(type) {
		case *file.DictionaryPage:
			if err := r.readDictionary(p); err != nil {
				return err
			}
		case *file.DataPageV1:
			if r.dict == nil {
				return errors.New("data page before the dictionary page")
			}
			data := p.Data()
			if r.maxDef > 0 {
				if p.DefinitionLevelEncoding() != parquet.Encodings.RLE {
					return fmt.Errorf("definition levels encoded %s", p.DefinitionLevelEncoding())
				}
				if len(data) < 4 {
					return errors.New("truncated definition levels")
				}
				size := int(binary.LittleEndian.Uint32(data))
				if size > len(data)-4 {
					return errors.New("truncated definition levels")
				}
				r.defs = hybrid{data: data[4 : 4+size], width: 1}
				data = data[4+size:]
			}
			return r.startValues(parquet.Encoding(p.Encoding()), data, int(p.NumValues()))
		case *file.DataPageV2:
			if r.dict == nil {
				return errors.New("data page before the dictionary page")
			}
			data := p.Data()
			rep, def := int(p.RepetitionLevelByteLen()), int(p.DefinitionLevelByteLen())
			if rep != 0 || rep+def > len(data) {
				return errors.New("bad level lengths")
			}
			if r.maxDef > 0 {
				r.defs = hybrid{data: data[:def], width: 1}
			}
			return r.startValues(parquet.Encoding(p.Encoding()), data[def:], int(p.NumValues()))
		}
	}
}

// startValues starts a data page of rows values (NULLs included).
func (r *dictReader) startValues(enc parquet.Encoding, data []byte, rows int) error {
	if enc != parquet.Encodings.RLEDict && enc != parquet.Encodings.PlainDict {
		return fmt.Errorf("%w: a data page is %s", errNotDictionary, enc)
	}
	if len(data) < 1 || data[0] > 32 {
		return errors.New("bad dictionary index width")
	}
	r.idx = hybrid{data: data[1:], width: uint(data[0])}
	r.left = rows
	return nil
}

// readDictionary reads a PLAIN dictionary page of byte arrays.
func (r *dictReader) readDictionary(p *file.DictionaryPage) error {
	if r.dict != nil {
		return errors.New("a second dictionary page")
	}
	n := int(p.NumValues())
	data := p.Data()
	offBuf := memory.NewResizableBuffer(r.mem)
	offBuf.Resize((n + 1) * 4)
	offs := arrow.Int32Traits.CastFromBytes(offBuf.Bytes())[:n+1]
	valBuf := memory.NewResizableBuffer(r.mem)
	valBuf.Resize(len(data))
	vals := valBuf.Bytes()[:0]
	for i := range n {
		if len(data) < 4 {
			offBuf.Release()
			valBuf.Release()
			return errors.New("truncated dictionary page")
		}
		size := int(binary.LittleEndian.Uint32(data))
		if size > len(data)-4 {
			offBuf.Release()
			valBuf.Release()
			return errors.New("truncated dictionary page")
		}
		offs[i] = int32(len(vals))
		vals = append(vals, data[4:4+size]...)
		data = data[4+size:]
	}
	offs[n] = int32(len(vals))
	valBuf.Resize(len(vals))
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offBuf, valBuf}, nil, 0, 0)
	r.dict = array.NewStringData(d)
	d.Release()
	offBuf.Release()
	valBuf.Release()
	return nil
}

// hybrid decodes Parquet's RLE / bit-packing hybrid encoding of unsigned
// integers of width bits: runs, each a ULEB128 header then either one
// value repeated (header>>1 times, in ceil(width/8) bytes) or groups of
// eight bit-packed values (header>>1 groups, width bytes each).
type hybrid struct {
	data  []byte
	width uint
	rle   bool
	n     int   // values left in the run
	value int32 // of an RLE run
	group [8]int32
	next  int // of group, in a bit-packed run; 8: decode the next group
}

// read fills out with the next values.
func (h *hybrid) read(out []int32) error {
	for len(out) > 0 {
		if h.n == 0 {
			if err := h.run(); err != nil {
				return err
			}
		}
		k := min(len(out), h.n)
		if h.rle {
			v := h.value
			for i := range out[:k] {
				out[i] = v
			}
		} else {
			for i := range k {
				if h.next == 8 {
					if err := h.unpack(); err != nil {
						return err
					}
				}
				out[i] = h.group[h.next]
				h.next++
			}
		}
		out = out[k:]
		h.n -= k
	}
	return nil
}

// repeats consumes the next m values if they are all v, an RLE run's.
func (h *hybrid) repeats(m int, v int32) (bool, error) {
	if h.n == 0 {
		if err := h.run(); err != nil {
			return false, err
		}
	}
	if !h.rle || h.value != v || h.n < m {
		return false, nil
	}
	h.n -= m
	return true, nil
}

// run starts the next run.
func (h *hybrid) run() error {
	header, size := binary.Uvarint(h.data)
	if size <= 0 {
		return errors.New("truncated run header")
	}
	h.data = h.data[size:]
	count := header >> 1
	if count == 0 || count > 1<<31 {
		return fmt.Errorf("bad run length %d", count)
	}
	if header&1 == 0 {
		h.rle, h.n = true, int(count)
		nb := int(h.width+7) / 8
		if len(h.data) < nb {
			return errors.New("truncated run value")
		}
		var v uint32
		for i := range nb {
			v |= uint32(h.data[i]) << (8 * i)
		}
		h.value, h.data = int32(v), h.data[nb:]
		return nil
	}
	h.rle, h.n, h.next = false, int(count)*8, 8
	if uint64(len(h.data)) < count*uint64(h.width) {
		// The last run's final group may be cut short: only whole values
		// count.
		h.n = min(h.n, len(h.data)*8/max(int(h.width), 1))
		if h.width == 0 {
			h.n = int(count) * 8
		}
	}
	return nil
}

// unpack decodes the next group of eight bit-packed values.
func (h *hybrid) unpack() error {
	w := h.width
	nb := int(w) // bytes of a group
	src := h.data
	if len(src) < nb {
		// A short last group: pad with zeros (read only counts whole
		// values, see run).
		var pad [32]byte
		copy(pad[:], src)
		src = pad[:nb]
	}
	if w <= 8 && len(src) >= 8 {
		x := binary.LittleEndian.Uint64(src)
		mask := uint64(1)<<w - 1
		for i := range 8 {
			h.group[i] = int32((x >> (uint(i) * w)) & mask)
		}
	} else {
		var acc uint64
		var have uint
		j := 0
		mask := uint64(1)<<w - 1
		for i := range 8 {
			for have < w {
				acc |= uint64(src[j]) << have
				j++
				have += 8
			}
			h.group[i] = int32(acc & mask)
			acc >>= w
			have -= w
		}
	}
	h.data = h.data[min(nb, len(h.data)):]
	h.next = 0
	return nil
}
