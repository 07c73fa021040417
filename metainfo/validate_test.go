package metainfo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

// badEntries lists entries every encoder refuses, with the sentinel it
// reports.
var badEntries = []struct {
	name, key, value string
	want             error
}{
	{"empty key", "", "v", metainfo.ErrEmptyKey},
	{"empty value", "k", "", metainfo.ErrEmptyValue},
	{"space in key", "a b", "v", metainfo.ErrInvalidKey},
	{"colon in key", "a:b", "v", metainfo.ErrInvalidKey},
	{"non-ASCII key", "clé", "v", metainfo.ErrInvalidKey},
	{"CR in key", "a\rb", "v", metainfo.ErrControlChar},
	{"LF in value", "k", "a\nb", metainfo.ErrControlChar},
	{"CRLF in value", "k", "a\r\nSet-Cookie: x", metainfo.ErrControlChar},
	{"NUL in value", "k", "a\x00b", metainfo.ErrControlChar},
	{"TAB in value", "k", "a\tb", metainfo.ErrControlChar},
	{"DEL in value", "k", "a\x7fb", metainfo.ErrControlChar},
	{"C1 control in value", "k", "a\u0085b", metainfo.ErrControlChar},
	{"invalid UTF-8 in value", "k", "a\xffb", metainfo.ErrInvalidUTF8},
	{"truncated UTF-8 in value", "k", "caf\xc3", metainfo.ErrInvalidUTF8},
	{"invalid UTF-8 in key", "k\xff", "v", metainfo.ErrInvalidUTF8},
	{"key too long", strings.Repeat("k", metainfo.DefaultMaxKeyLen+1), "v", metainfo.ErrKeyTooLong},
	{"value too long", "k", strings.Repeat("v", metainfo.DefaultMaxValueLen+1), metainfo.ErrValueTooLong},
}

func TestForwardEncodersRefuseBadEntries(t *testing.T) {
	var codec metainfo.Codec // the zero value uses the defaults
	for _, tc := range badEntries {
		for _, persistent := range []bool{false, true} {
			ctx := metainfo.WithValue(context.Background(), "good", "value")
			ctx = metainfo.WithPersistentValue(ctx, "good", "value")
			kind := metainfo.Transient
			if persistent {
				ctx = metainfo.WithPersistentValue(ctx, tc.key, tc.value)
				kind = metainfo.Persistent
			} else {
				ctx = metainfo.WithValue(ctx, tc.key, tc.value)
			}
			t.Run(tc.name+"/"+kind.String(), func(t *testing.T) {
				m := map[string]string{"other": "x"}
				err := codec.ToMap(ctx, m)
				assertEntryError(t, err, tc.want, kind, tc.key)
				assert.Equal(t, map[string]string{"other": "x"}, m, "nothing written")

				calls := 0
				err = codec.EncodeForward(ctx, func(_, _, _ string) error { calls++; return nil })
				assertEntryError(t, err, tc.want, kind, tc.key)
				assert.Zero(t, calls)

				h := map[string][]string{}
				err = codec.ToHTTPHeader(ctx, h)
				assertEntryError(t, err, tc.want, kind, tc.key)
				assert.Empty(t, h)
			})
		}
	}
}

func TestBackwardEncodersRefuseBadEntries(t *testing.T) {
	for _, style := range []metainfo.BackwardStyle{metainfo.BackwardPrefixed, metainfo.BackwardRaw} {
		codec := metainfo.NewCodec(metainfo.WithBackwardStyle(style))
		for _, tc := range badEntries {
			t.Run(tc.name, func(t *testing.T) {
				ctx := metainfo.WithBackwardValuesToSend(context.Background())
				require.True(t, metainfo.SendBackwardValues(ctx, "good", "value", tc.key, tc.value))
				m := map[string]string{}
				assertEntryError(t, codec.BackwardToMap(ctx, m), tc.want, metainfo.Backward, tc.key)
				assert.Empty(t, m)
				err := codec.EncodeBackward(ctx, func(_, _, _ string) error { return nil })
				assertEntryError(t, err, tc.want, metainfo.Backward, tc.key)
				h := map[string][]string{}
				assertEntryError(t, codec.BackwardToHTTPHeader(ctx, h), tc.want, metainfo.Backward, tc.key)
				assert.Empty(t, h)
			})
		}
	}
}

func assertEntryError(t *testing.T, err error, want error, kind metainfo.Kind, key string) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var e *metainfo.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, kind, e.Kind)
	assert.Equal(t, key, e.Key)
}

func TestTooManyKeys(t *testing.T) {
	codec := metainfo.NewCodec(metainfo.WithMaxKeys(3))
	ctx := metainfo.WithPersistentValues(context.Background(), "p1", "v", "p2", "v")
	ctx = metainfo.WithValues(ctx, "t1", "v")
	require.NoError(t, codec.ToMap(ctx, map[string]string{}))

	more := metainfo.WithValue(ctx, "t2", "v")
	err := codec.ToMap(more, map[string]string{})
	assertEntryError(t, err, metainfo.ErrTooManyKeys, metainfo.Transient, "t2")
	assert.EqualError(t, err, `metainfo: too many keys (transient key "t2": 4, limit 3)`)
	assert.ErrorIs(t, codec.ToHTTPHeader(more, map[string][]string{}), metainfo.ErrTooManyKeys)

	// Received transient values are not sent, so they do not count.
	up := metainfo.TransferForward(more)
	assert.NoError(t, codec.ToMap(up, map[string]string{}))

	send := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValues(send, "a", "1", "b", "2", "c", "3", "d", "4")
	assert.ErrorIs(t, codec.BackwardToMap(send, map[string]string{}), metainfo.ErrTooManyKeys)
}

func TestLimitsAreConfigurable(t *testing.T) {
	codec := metainfo.NewCodec(metainfo.WithMaxKeyLen(4), metainfo.WithMaxValueLen(8))
	ok := metainfo.WithValue(context.Background(), "abcd", "12345678")
	assert.NoError(t, codec.ToMap(ok, map[string]string{}))

	err := codec.ToMap(metainfo.WithValue(context.Background(), "abcde", "v"), map[string]string{})
	assert.EqualError(t, err, `metainfo: key too long (transient key "abcde": 5, limit 4)`)
	err = codec.ToMap(metainfo.WithValue(context.Background(), "k", "123456789"), map[string]string{})
	assert.EqualError(t, err, `metainfo: value too long (transient key "k": 9, limit 8)`)
}

func TestLimitsAreLoweredToTheWire(t *testing.T) {
	big := strings.Repeat("v", metainfo.MaxWireLen)
	ctx := metainfo.WithValue(context.Background(), "k", big)
	huge := metainfo.NewCodec(metainfo.WithMaxValueLen(1<<30), metainfo.WithMaxKeyLen(1<<30), metainfo.WithMaxKeys(1<<30))
	m := map[string]string{}
	require.NoError(t, huge.ToMap(ctx, m), "a value of 65535 bytes fits TTHeader")
	err := huge.ToMap(metainfo.WithValue(context.Background(), "k", big+"v"), m)
	assert.ErrorIs(t, err, metainfo.ErrValueTooLong, "never above the u16 limit")

	longKey := strings.Repeat("k", metainfo.MaxWireLen-len(metainfo.PrefixBackward))
	assert.NoError(t, huge.ToMap(metainfo.WithValue(context.Background(), longKey, "v"), m))
	assert.ErrorIs(t, huge.ToMap(metainfo.WithValue(context.Background(), longKey+"k", "v"), m),
		metainfo.ErrKeyTooLong, "prefix and key fit a u16 length")

	one := metainfo.NewCodec(metainfo.WithMaxKeyLen(1), metainfo.WithMaxValueLen(1), metainfo.WithMaxKeys(1), nil)
	assert.NoError(t, one.ToMap(metainfo.WithValue(context.Background(), "k", "v"), m), "limits of 1")
	assert.ErrorIs(t, one.ToMap(metainfo.WithValues(context.Background(), "k", "v", "j", "w"), m), metainfo.ErrTooManyKeys)
	// Zero or less is the default (TestCodecLimitsZeroIsDefault), not 1.
	dflt := metainfo.NewCodec(metainfo.WithMaxKeyLen(-1), metainfo.WithMaxValueLen(0), metainfo.WithMaxKeys(0))
	assert.NoError(t, dflt.ToMap(metainfo.WithValues(context.Background(), "key", "value", "j", "w"), m))
}

func TestHTTPKeyCollisions(t *testing.T) {
	var codec metainfo.Codec
	for _, pair := range [][2]string{{"user_id", "USER_ID"}, {"user_id", "user-id"}, {"A-B", "a_b"}} {
		ctx := metainfo.WithValues(context.Background(), pair[0], "1", pair[1], "2")
		h := map[string][]string{}
		err := codec.ToHTTPHeader(ctx, h)
		require.ErrorIs(t, err, metainfo.ErrKeyCollision)
		var e *metainfo.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, pair[0], e.Key)
		assert.Equal(t, pair[1], e.Other)
		assert.Empty(t, h)
		assert.NoError(t, codec.ToMap(ctx, map[string]string{}), "TTHeader keys are case-sensitive")

		// The same key in two kinds is fine.
		both := metainfo.WithPersistentValue(metainfo.WithValue(context.Background(), pair[0], "1"), pair[1], "2")
		assert.NoError(t, codec.ToHTTPHeader(both, map[string][]string{}))
	}
	send := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValues(send, "x_y", "1", "X-Y", "2")
	assert.ErrorIs(t, codec.BackwardToHTTPHeader(send, map[string][]string{}), metainfo.ErrKeyCollision)
}

func TestHTTPValuesKeepTheirSpaces(t *testing.T) {
	var codec metainfo.Codec
	for _, v := range []string{" leading", "trailing ", " "} {
		ctx := metainfo.WithValue(context.Background(), "k", v)
		assert.ErrorIs(t, codec.ToHTTPHeader(ctx, map[string][]string{}), metainfo.ErrInvalidValue, "%q", v)
		assert.NoError(t, codec.ToMap(ctx, map[string]string{}), "TTHeader keeps them: %q", v)
	}
	inner := metainfo.WithValue(context.Background(), "k", "in ner")
	assert.NoError(t, codec.ToHTTPHeader(inner, map[string][]string{}))
}

func TestReservedKeys(t *testing.T) {
	var codec metainfo.Codec
	ctx := metainfo.WithValue(context.Background(), "UPSTREAM_X", "v")
	err := codec.ToMap(ctx, map[string]string{})
	assertEntryError(t, err, metainfo.ErrReservedKey, metainfo.Transient, "UPSTREAM_X")
	assert.NoError(t, codec.ToHTTPHeader(ctx, map[string][]string{}), "no such prefix in headers")
	assert.NoError(t, codec.ToMap(metainfo.WithPersistentValue(context.Background(), "UPSTREAM_X", "v"), map[string]string{}))

	raw := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))
	for _, k := range []string{"RPC_PERSIST_X", "RPC_TRANSIT_X", "RPC_BACKWARD_X"} {
		send := metainfo.WithBackwardValuesToSend(context.Background())
		metainfo.SendBackwardValue(send, k, "v")
		assertEntryError(t, raw.BackwardToMap(send, map[string]string{}), metainfo.ErrReservedKey, metainfo.Backward, k)
		var prefixed metainfo.Codec
		assert.NoError(t, prefixed.BackwardToMap(send, map[string]string{}), "unambiguous with a prefix")
	}
}

func TestErrorMessages(t *testing.T) {
	err := &metainfo.Error{Kind: metainfo.Persistent, Key: "a\nb", Err: metainfo.ErrControlChar}
	assert.EqualError(t, err, `metainfo: control character (persistent key "a\nb")`)
	err = &metainfo.Error{Kind: metainfo.Backward, Key: "a", Other: "A", Err: metainfo.ErrKeyCollision}
	assert.EqualError(t, err, `metainfo: key collision (backward key "a" and "A")`)
	err = &metainfo.Error{Kind: metainfo.Transient, Key: strings.Repeat("k", 100), Err: metainfo.ErrKeyTooLong, Len: 100, Limit: 4}
	assert.Equal(t, `metainfo: key too long (transient key "`+strings.Repeat("k", 64)+`"...: 100, limit 4)`, err.Error())
	assert.True(t, errors.Is(err, metainfo.ErrKeyTooLong))
	assert.Equal(t, "Kind(9)", metainfo.Kind(9).String())

	secret := metainfo.WithValue(context.Background(), "k", "secret\n")
	var codec metainfo.Codec
	assert.NotContains(t, codec.ToMap(secret, map[string]string{}).Error(), "secret", "values are never shown")
}

func TestEncodersNeedAMap(t *testing.T) {
	var codec metainfo.Codec
	ctx := metainfo.WithValue(context.Background(), "k", "v")
	assert.Error(t, codec.ToMap(ctx, nil))
	assert.Error(t, codec.ToHTTPHeader(ctx, nil))
	send := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValue(send, "k", "v")
	assert.Error(t, codec.BackwardToMap(send, nil))
	assert.Error(t, codec.BackwardToHTTPHeader(send, nil))

	// Nothing to write needs no map.
	bg := context.Background()
	assert.NoError(t, codec.ToMap(bg, nil))
	assert.NoError(t, codec.ToHTTPHeader(bg, nil))
	assert.NoError(t, codec.BackwardToMap(bg, nil))
	assert.NoError(t, codec.BackwardToHTTPHeader(bg, nil))
	assert.NoError(t, codec.EncodeForward(bg, nil))
	assert.NoError(t, codec.EncodeBackward(bg, nil))
}

func TestCallbackErrorsStopTheWalk(t *testing.T) {
	var codec metainfo.Codec
	stop := errors.New("stop")
	ctx := metainfo.WithValues(context.Background(), "a", "1", "b", "2")
	calls := 0
	err := codec.EncodeForward(ctx, func(_, _, _ string) error { calls++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, calls)

	send := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValues(send, "a", "1", "b", "2")
	calls = 0
	err = codec.EncodeBackward(send, func(_, _, _ string) error { calls++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, calls)
}

func TestCheckedLimitsAreRemembered(t *testing.T) {
	ctx := metainfo.WithValue(context.Background(), "k", "123456")
	loose := metainfo.NewCodec()
	strict := metainfo.NewCodec(metainfo.WithMaxValueLen(4))
	for range 2 {
		assert.NoError(t, loose.ToMap(ctx, map[string]string{}))
		assert.ErrorIs(t, strict.ToMap(ctx, map[string]string{}), metainfo.ErrValueTooLong, "another codec checks again")
		assert.ErrorIs(t, strict.EncodeForward(ctx, func(_, _, _ string) error { return nil }), metainfo.ErrValueTooLong)
	}
}
