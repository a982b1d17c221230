package decode

import (
	"reflect"
	"testing"
)

func TestJSONFieldMatching(t *testing.T) {
	mem := checkedMem(t)
	cols := []Column{{Name: "user_id", Type: tString}, {Name: "Price", Type: tDouble}, {Name: "n", Type: tInt}}
	cases := []struct {
		name string
		json string
		want []any
	}{
		{"exact", `{"user_id":"u1","Price":1.5,"n":2}`, []any{"u1", 1.5, int64(2)}},
		{"any order", `{"n":2,"Price":1.5,"user_id":"u1"}`, []any{"u1", 1.5, int64(2)}},
		{"case-insensitive", `{"USER_ID":"u1","price":1.5,"N":2}`, []any{"u1", 1.5, int64(2)}},
		{"exact beats folded after", `{"Price":1,"price":2,"PRICE":3}`, []any{nil, 1.0, nil}},
		{"exact beats folded before", `{"price":2,"Price":1}`, []any{nil, 1.0, nil}},
		{"last duplicate wins", `{"n":1,"n":2}`, []any{nil, nil, int64(2)}},
		{"missing fields are null", `{}`, []any{nil, nil, nil}},
		{"explicit nulls", `{"user_id":null,"Price":null,"n":null}`, []any{nil, nil, nil}},
		{"extra fields ignored", `{"x":{"deep":[1,2,{"a":"}"}]},"user_id":"u1","y":"bad \q escape","z":tru}`, nil},
		{"escaped key", `{"user\u005fid":"u1"}`, []any{"u1", nil, nil}},
		{"white space", " \t\n{ \"n\" : 5 , \"user_id\" :\"u\" }\r\n ", []any{"u", nil, int64(5)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newDecoder(t, mem, Options{Columns: cols, Output: []string{"user_id", "Price", "n"}})
			row, reason := decodeOne(t, d, tc.json)
			if tc.want == nil {
				// Only structure matters: jsonparser stops at the bad
				// literal of an unread field.
				if reason != "invalid JSON: a value is not a string, number, object, array, true, false or null" {
					t.Fatalf("reason = %q", reason)
				}
				return
			}
			if reason != "" {
				t.Fatalf("reason %q", reason)
			}
			if !reflect.DeepEqual(row, tc.want) {
				t.Fatalf("row = %#v, want %#v", row, tc.want)
			}
		})
	}
}

func TestJSONInvalid(t *testing.T) {
	mem := checkedMem(t)
	cases := []struct{ json, reason string }{
		{``, "empty record: not a JSON object"},
		{"  \n", "empty record: not a JSON object"},
		{`[1,2]`, `not a JSON object (starts with '[')`},
		{`"text"`, `not a JSON object (starts with '"')`},
		{`42`, `not a JSON object (starts with '4')`},
		{"\x00", `not a JSON object (starts with byte 0x00)`},
		{`{"v":1`, "invalid JSON: unexpected end of input"},
		{`{"v":1}}`, "invalid JSON: data after the object"},
		{`{"v":1} {"v":2}`, "invalid JSON: data after the object"},
		{`{} x`, "invalid JSON: data after the object"},
		{`{"v" 1}`, "invalid JSON: malformed object member"},
		{`{"v":1,}`, "invalid JSON: want '}' after the last field"},
		{`{v:1}`, "invalid JSON: malformed object"},
		{`{'v':1}`, "invalid JSON: malformed object"},
		{`{"v":nul}`, "invalid JSON: a value is not a string, number, object, array, true, false or null"},
		{`{"v":"\x"}`, `field "v": invalid escape in string`},
		{`{"v":"unterminated}`, "invalid JSON: unterminated string"},
	}
	for _, tc := range cases {
		t.Run(tc.json, func(t *testing.T) {
			d := newDecoder(t, mem, Options{Columns: []Column{{Name: "v", Type: tString}}})
			_, reason := decodeOne(t, d, tc.json)
			if reason == "" {
				t.Fatalf("decoded; want error %q", tc.reason)
			}
			if reason != tc.reason {
				t.Fatalf("reason = %q, want %q", reason, tc.reason)
			}
		})
	}
}
