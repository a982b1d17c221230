package eval

import (
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/freshet/freshet/sql"
)

// constNode is a constant: a literal or a folded constant expression.
// Kernels with a constant operand read its value directly; when the
// constant itself is an operand that needs an array, it is broadcast from
// a cached array in Go-managed memory (not Env.Mem), sliced to the batch
// size, so an Evaluator holds no Arrow memory that would need releasing.
type constNode struct {
	v sql.Value

	mu    sync.Mutex
	cache arrow.Array // at least as long as the largest batch seen
}

func newConst(v sql.Value) *constNode { return &constNode{v: v} }

func (n *constNode) typ() sql.Type { return n.v.Type }

func (n *constNode) eval(b *batch) (arrow.Array, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cache == nil || n.cache.Len() < b.n {
		size := max(b.n, 1024)
		if n.cache != nil {
			n.cache.Release()
		}
		n.cache = broadcast(memory.DefaultAllocator, n.v, size)
	}
	return array.NewSlice(n.cache, 0, int64(b.n)), nil
}

// asConst returns the value of a constant node.
func asConst(n node) (sql.Value, bool) {
	if c, ok := n.(*constNode); ok {
		return c.v, true
	}
	return sql.Value{}, false
}

// isNullConst reports whether n is the constant NULL.
func isNullConst(n node) bool {
	v, ok := asConst(n)
	return ok && v.IsNull()
}

// broadcast returns an array of n copies of v.
func broadcast(mem memory.Allocator, v sql.Value, n int) arrow.Array {
	if v.Type == sql.Null {
		return array.NewNull(n)
	}
	dt := mustArrowType(v.Type)
	if v.Null {
		validity, _ := newBits(mem, n, false)
		switch v.Type {
		case sql.Boolean:
			vb, _ := newBits(mem, n, false)
			return makeArray(dt, n, n, validity, vb)
		case sql.String:
			o := newStrOut(mem, n, 0)
			clear(o.offs)
			arr, _ := o.finish(n, validity, n)
			return arr
		default:
			vb, vals := newValues[int64](mem, n)
			clear(vals)
			return makeArray(dt, n, n, validity, vb)
		}
	}
	switch v.Type {
	case sql.Boolean:
		vb, _ := newBits(mem, n, v.Bool)
		return makeArray(dt, n, 0, nil, vb)
	case sql.Float64:
		vb, vals := newValues[float64](mem, n)
		for i := range vals {
			vals[i] = v.Float
		}
		return makeArray(dt, n, 0, nil, vb)
	case sql.String:
		o := newStrOut(mem, n, n*len(v.Str))
		for i := 0; i < n; i++ {
			o.addString(v.Str)
			o.end(i)
		}
		arr, _ := o.finish(n, nil, 0)
		return arr
	default: // BIGINT, TIMESTAMP, INTERVAL
		vb, vals := newValues[int64](mem, n)
		for i := range vals {
			vals[i] = v.Int
		}
		return makeArray(dt, n, 0, nil, vb)
	}
}

// valueAt returns row i of arr, an array of SQL type t, as a value.
func valueAt(arr arrow.Array, i int, t sql.Type) sql.Value {
	if t == sql.Null || arr.IsNull(i) {
		return sql.NullOf(t)
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return sql.BoolValue(a.Value(i))
	case *array.Float64:
		return sql.FloatValue(a.Value(i))
	case *array.String:
		return sql.StringValue(a.Value(i))
	}
	return sql.Value{Type: t, Int: values[int64](arr)[i]}
}
