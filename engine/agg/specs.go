package agg

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

var (
	int64Type   = arrow.PrimitiveTypes.Int64
	float64Type = arrow.PrimitiveTypes.Float64
)

// newAccumulator makes the state of spec's function and returns it with
// the function's result type.
func newAccumulator(s Spec) (accumulator, arrow.DataType, error) {
	fn := strings.ToLower(s.Func)
	k := kindOf(s.ArgType)
	unsupportedArg := func() (accumulator, arrow.DataType, error) {
		return nil, nil, fmt.Errorf("%w: argument type %v", ErrUnsupported, s.ArgType)
	}
	if s.ArgType == nil && fn != "count" {
		return nil, nil, fmt.Errorf("%w: %s needs an argument", ErrUnsupported, fn)
	}
	if s.Distinct {
		switch fn {
		case "count", "sum", "avg":
			if s.ArgType == nil {
				return nil, nil, fmt.Errorf("%w: COUNT(DISTINCT *)", ErrUnsupported)
			}
			return newDistinct(fn, s.ArgType)
		case "min", "max", "approx_count_distinct":
			// DISTINCT changes nothing.
		default:
			return nil, nil, fmt.Errorf("%w: %s(DISTINCT …)", ErrUnsupported, fn)
		}
	}
	switch fn {
	case "count":
		return &countAcc{star: s.ArgType == nil}, int64Type, nil
	case "sum":
		switch k {
		case kindInt:
			return &sumAcc[int64]{}, int64Type, nil
		case kindFloat:
			return &sumAcc[float64]{}, float64Type, nil
		}
		return unsupportedArg()
	case "avg":
		switch k {
		case kindInt:
			return &avgAcc[int64]{}, float64Type, nil
		case kindFloat:
			return &avgAcc[float64]{}, float64Type, nil
		}
		return unsupportedArg()
	case "stddev", "stddev_samp", "std", "stddev_pop":
		pop := fn == "stddev_pop"
		switch k {
		case kindInt:
			return &stddevAcc[int64]{pop: pop}, float64Type, nil
		case kindFloat:
			return &stddevAcc[float64]{pop: pop}, float64Type, nil
		}
		return unsupportedArg()
	case "min", "max":
		isMax := fn == "max"
		switch k {
		case kindInt, kindTime:
			return &minMaxNum[int64]{isMax: isMax, dt: s.ArgType}, s.ArgType, nil
		case kindFloat:
			return &minMaxNum[float64]{isMax: isMax, dt: s.ArgType}, s.ArgType, nil
		case kindString:
			return &minMaxString{isMax: isMax}, s.ArgType, nil
		case kindBool:
			return &minMaxBool{isMax: isMax}, s.ArgType, nil
		}
		return unsupportedArg()
	case "first", "last":
		if k == kindInvalid || k == kindNull {
			return unsupportedArg()
		}
		return newFirstLast(fn == "last", s.ArgType), s.ArgType, nil
	case "approx_count_distinct":
		if k == kindInvalid || k == kindNull {
			return unsupportedArg()
		}
		return &hllAcc{kind: k}, int64Type, nil
	case "approx_percentile":
		if !(s.Param >= 0 && s.Param <= 1) || math.IsNaN(s.Param) {
			return nil, nil, fmt.Errorf("%w: percentile fraction %g outside [0, 1]", ErrUnsupported, s.Param)
		}
		var acc accumulator
		var err error
		switch k {
		case kindInt:
			acc, err = newPercentile[int64](s.Param)
		case kindFloat:
			acc, err = newPercentile[float64](s.Param)
		default:
			return unsupportedArg()
		}
		return acc, float64Type, err
	}
	return nil, nil, fmt.Errorf("%w: aggregate function %q", ErrUnsupported, s.Func)
}
