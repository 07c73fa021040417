// Package biz maps business errors to and from TTHeader string keys, for
// the server and the client alike.
package biz

import (
	"encoding/json"
	"strconv"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/frame"
)

// ToMap writes e into m under the biz-* keys. An Extra that cannot be
// encoded (it always can: a map of strings) is left out.
func ToMap(e *volo.BizError, m map[string]string) {
	m[frame.KeyBizStatus] = strconv.Itoa(int(e.Status))
	if e.Message != "" {
		m[frame.KeyBizMessage] = e.Message
	}
	if len(e.Extra) > 0 {
		if b, err := json.Marshal(e.Extra); err == nil {
			m[frame.KeyBizExtra] = string(b)
		}
	}
}

// FromMap returns the business error m carries, or nil. A status that is
// not a number is kept as status -1 with the raw value in Extra["status"],
// so that nothing the server said is lost.
func FromMap(m map[string]string) *volo.BizError {
	s, ok := m[frame.KeyBizStatus]
	if !ok {
		return nil
	}
	e := &volo.BizError{Message: m[frame.KeyBizMessage]}
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		e.Status = int32(n)
	} else {
		e.Status = -1
		e.Extra = map[string]string{"status": s}
	}
	if x := m[frame.KeyBizExtra]; x != "" {
		var extra map[string]string
		if json.Unmarshal([]byte(x), &extra) == nil {
			if e.Extra == nil {
				e.Extra = extra
			} else {
				for k, v := range extra {
					e.Extra[k] = v
				}
			}
		}
	}
	return e
}
