package kinesisapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/freshet/freshet/ingest"
)

// putRecordsInput is a decoded PutRecords request.
type putRecordsInput struct {
	ref     streamRef
	dryRun  bool
	hasList bool // Records was present and not null
	records []ingest.PutEntry
	// present holds, per record, which members were given (not null).
	present []uint8
}

const (
	hasKey uint8 = 1 << iota
	hasData
	hasHashKey
)

// decodePutRecords decodes a PutRecords body in one pass over the bytes. It
// accepts the JSON encoding/json accepts and yields the values encoding/json
// would, except that it rejects a member given twice in one object. All
// records' data is base64-decoded into one buffer and all partition and hash
// keys share one string, so a request of any size costs a handful of
// allocations.
func decodePutRecords(body []byte) (*putRecordsInput, error) {
	in := &putRecordsInput{}
	s := &scanner{b: body}
	if s.peek() == 0 && s.i >= len(body) {
		return nil, clientErr(typeSerialization, "The request body is empty; send a JSON object.")
	}
	if null, err := s.null(); err != nil || null {
		if err != nil {
			return nil, err
		}
		return in, s.end()
	}
	if s.peek() != '{' {
		if err := s.skip(0); err != nil {
			return nil, err
		}
		return nil, s.typeErr("the request", "a structure")
	}
	s.i++
	d := putDecoder{s: s, arena: make([]byte, 0, len(body)/4*3+4)}
	seen := 0
	if s.peek() != '}' {
		for {
			idx, err := d.member(&seen, "Records", "StreamName", "StreamARN", "StreamId", "DryRun")
			if err != nil {
				return nil, err
			}
			switch idx {
			case 0:
				err = d.records(in)
			case 1:
				in.ref.StreamName, err = d.optString("StreamName")
			case 2:
				in.ref.StreamARN, err = d.optString("StreamARN")
			case 3:
				in.ref.StreamID, err = d.optString("StreamId")
			case 4:
				in.dryRun, err = d.optBool("DryRun")
			default:
				err = s.skip(1)
			}
			if err != nil {
				return nil, err
			}
			if more, err := s.next('}'); err != nil {
				return nil, err
			} else if !more {
				break
			}
		}
	} else {
		s.i++
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	d.finish(in)
	return in, nil
}

// putDecoder holds the shared buffers of one decode.
type putDecoder struct {
	s     *scanner
	arena []byte // decoded data of all records
	keys  []byte // partition keys and explicit hash keys of all records
	spans []keySpan
}

// keySpan locates a record's keys in putDecoder.keys.
type keySpan struct{ key, keyEnd, hash, hashEnd int32 }

// member reads a member name and the ':' after it, and returns the index
// of the name in names (-1 for others), matching as encoding/json matches
// struct fields: exactly, else case-insensitively. seen tracks the names
// already given.
func (d *putDecoder) member(seen *int, names ...string) (int, error) {
	s := d.s
	if s.peek() != '"' {
		return 0, s.syntaxErr("expected a member name")
	}
	at := s.i
	tok, slow, err := s.str()
	if err != nil {
		return 0, err
	}
	name := tok[1 : len(tok)-1]
	if slow {
		var v string
		if err := json.Unmarshal(tok, &v); err != nil {
			return 0, s.syntaxErr("invalid member name")
		}
		name = []byte(v)
	}
	if err := s.consume(':', "':' after a member name"); err != nil {
		return 0, err
	}
	idx := -1
	for i, n := range names {
		if string(name) == n {
			idx = i
			break
		}
	}
	if idx < 0 {
		for i, n := range names {
			if bytes.EqualFold(name, []byte(n)) {
				idx = i
				break
			}
		}
	}
	if idx >= 0 {
		if *seen&(1<<idx) != 0 {
			return 0, clientErr(typeSerialization, "Malformed JSON at offset %d: member %s is given twice.", at, names[idx])
		}
		*seen |= 1 << idx
	}
	return idx, nil
}

func (d *putDecoder) optString(member string) (*string, error) {
	s := d.s
	if null, err := s.null(); null || err != nil {
		return nil, err
	}
	if s.peek() != '"' {
		if err := s.skip(1); err != nil {
			return nil, err
		}
		return nil, s.typeErr(member, "a string")
	}
	v, err := s.stringValue()
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (d *putDecoder) optBool(member string) (bool, error) {
	s := d.s
	switch s.peek() {
	case 'n':
		return false, s.literal("null")
	case 't':
		return true, s.literal("true")
	case 'f':
		return false, s.literal("false")
	}
	if err := s.skip(1); err != nil {
		return false, err
	}
	return false, s.typeErr(member, "a boolean")
}

func (d *putDecoder) records(in *putRecordsInput) error {
	s := d.s
	if null, err := s.null(); null || err != nil {
		in.hasList, in.records, in.present, d.spans = false, nil, nil, nil
		return err
	}
	if s.peek() != '[' {
		if err := s.skip(1); err != nil {
			return err
		}
		return s.typeErr("Records", "a list")
	}
	s.i++
	in.hasList = true
	n := min(len(s.b)/48+1, ingest.MaxPutRecordsEntries)
	in.records = make([]ingest.PutEntry, 0, n)
	in.present = make([]uint8, 0, n)
	d.spans = make([]keySpan, 0, n)
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		if err := d.record(in); err != nil {
			return err
		}
		if more, err := s.next(']'); err != nil || !more {
			return err
		}
	}
}

func (d *putDecoder) record(in *putRecordsInput) error {
	s := d.s
	in.records = append(in.records, ingest.PutEntry{})
	in.present = append(in.present, 0)
	d.spans = append(d.spans, keySpan{})
	i := len(in.records) - 1
	if null, err := s.null(); null || err != nil {
		return err
	}
	if s.peek() != '{' {
		if err := s.skip(1); err != nil {
			return err
		}
		return s.typeErr("Records."+strconv.Itoa(i+1), "a structure")
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		return nil
	}
	seen := 0
	for {
		idx, err := d.member(&seen, "Data", "PartitionKey", "ExplicitHashKey")
		if err != nil {
			return err
		}
		switch idx {
		case 0:
			err = d.data(in, i)
		case 1:
			err = d.key(in, i, hasKey, "PartitionKey", &d.spans[i].key, &d.spans[i].keyEnd)
		case 2:
			err = d.key(in, i, hasHashKey, "ExplicitHashKey", &d.spans[i].hash, &d.spans[i].hashEnd)
		default:
			err = s.skip(2)
		}
		if err != nil {
			return err
		}
		if more, err := s.next('}'); err != nil || !more {
			return err
		}
	}
}

// data decodes a record's base64 Data into the shared arena.
func (d *putDecoder) data(in *putRecordsInput, i int) error {
	s := d.s
	if null, err := s.null(); null || err != nil {
		in.present[i] &^= hasData
		in.records[i].Data = nil
		return err
	}
	if s.peek() != '"' {
		if err := s.skip(2); err != nil {
			return err
		}
		return s.typeErr("Records.Data", "a blob (base64 string)")
	}
	at := s.i
	tok, slow, err := s.str()
	if err != nil {
		return err
	}
	if slow {
		var b []byte
		if err := json.Unmarshal(tok, &b); err != nil {
			return clientErr(typeSerialization, "Records.%d.Data at offset %d is not valid base64.", i+1, at)
		}
		in.records[i].Data = b
		in.present[i] |= hasData
		return nil
	}
	raw := tok[1 : len(tok)-1]
	need := base64.StdEncoding.DecodedLen(len(raw))
	if cap(d.arena)-len(d.arena) < need {
		d.arena = append(make([]byte, 0, 2*cap(d.arena)+need), d.arena...)
	}
	start := len(d.arena)
	n, err := base64.StdEncoding.Decode(d.arena[start:start+need], raw)
	if err != nil {
		return clientErr(typeSerialization, "Records.%d.Data at offset %d is not valid base64: %v.", i+1, at, err)
	}
	d.arena = d.arena[:start+n]
	in.records[i].Data = d.arena[start : start+n : start+n]
	in.present[i] |= hasData
	return nil
}

// key decodes a string member into the shared key buffer.
func (d *putDecoder) key(in *putRecordsInput, i int, bit uint8, member string, start, end *int32) error {
	s := d.s
	if null, err := s.null(); null || err != nil {
		in.present[i] &^= bit
		return err
	}
	if s.peek() != '"' {
		if err := s.skip(2); err != nil {
			return err
		}
		return s.typeErr("Records."+member, "a string")
	}
	tok, slow, err := s.str()
	if err != nil {
		return err
	}
	*start = int32(len(d.keys))
	if slow {
		var v string
		if err := json.Unmarshal(tok, &v); err != nil {
			return s.syntaxErr("invalid string")
		}
		d.keys = append(d.keys, v...)
	} else {
		d.keys = append(d.keys, tok[1:len(tok)-1]...)
	}
	*end = int32(len(d.keys))
	in.present[i] |= bit
	return nil
}

// finish points every record's keys into one string.
func (d *putDecoder) finish(in *putRecordsInput) {
	all := string(d.keys)
	for i := range in.records {
		sp := d.spans[i]
		if in.present[i]&hasKey != 0 {
			in.records[i].PartitionKey = all[sp.key:sp.keyEnd]
		}
		if in.present[i]&hasHashKey != 0 {
			in.records[i].ExplicitHashKey = all[sp.hash:sp.hashEnd]
		}
	}
}
