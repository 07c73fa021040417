package kinds_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest/golden/base"
	"github.com/govolo/volo/volo/thrift/thrifttest/golden/kinds"
	"github.com/govolo/volo/volo/volotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func full() *kinds.Kinds {
	k := kinds.NewKinds()
	k.B, k.By, k.Small, k.Short, k.Int32, k.Int64, k.Real = true, -1, -8, -16, -32, -64, 2.5
	k.Text, k.Bin, k.Id = "héllo", []byte{0, 1, 0xff}, thrift.UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	k.Status, k.User, k.Point = base.Status_DELETED, 42, &base.Point{X: 1, Y: -1}
	k.Ints, k.Names, k.Counts = []int32{1, 2, 3}, []string{"a", ""}, map[string]int64{"x": 1}
	k.Points = []*base.Point{{X: 1}, {Y: 2}}
	k.Nested = map[int32][]*base.Point{7: {{X: 7, Y: 7}}}
	k.ByStatus = map[base.Status][]string{base.Status_ACTIVE: {"on"}}
	k.OptInt, k.OptStr, k.OptStatus = thrift.Ptr[int32](5), thrift.Ptr("s"), thrift.Ptr(base.Status_SUSPENDED)
	k.OptList, k.OptPoint = []string{"o"}, &base.Point{X: 9, Y: 9}
	k.ReqStr, k.ReqPoint = "required", &base.Point{}
	k.Matrix = [][]int64{{1, 2}, {}, {3}}
	k.Blobs = map[string][]byte{"k": {1}}
	k.Statuses = []base.Status{base.Status_ACTIVE, base.Status_DELETED}
	k.OptId = &thrift.UUID{0xff}
	// A nil container of a field that is not optional goes out empty.
	k.ListKeys = map[*[]int32]string{}
	return k
}

func encode(t testing.TB, s thrift.Struct) []byte {
	t.Helper()
	b := s.AppendThrift(make([]byte, 0, s.ThriftSize()))
	require.Len(t, b, s.ThriftSize(), "ThriftSize is exact")
	return b
}

func TestRoundTrip(t *testing.T) {
	in := full()
	var out kinds.Kinds
	d := thrift.NewDecoder(encode(t, in))
	require.NoError(t, out.DecodeThrift(d))
	assert.Zero(t, d.Len())
	assert.Equal(t, *in, out)

	// Keys held by pointer round-trip by value.
	in.ListKeys = map[*[]int32]string{{1, 2}: "a"}
	out = kinds.Kinds{}
	require.NoError(t, out.DecodeThrift(thrift.NewDecoder(encode(t, in))))
	require.Len(t, out.ListKeys, 1)
	for k, v := range out.ListKeys {
		assert.Equal(t, []int32{1, 2}, *k)
		assert.Equal(t, "a", v)
	}
}

func TestDefaults(t *testing.T) {
	k := kinds.NewKinds()
	assert.Equal(t, int32(42), k.WithDefault)
	assert.Equal(t, "x", *k.OptDefault)
	assert.Equal(t, base.Status_ACTIVE, k.StatusDefault)
	assert.Equal(t, []float64{1.5, 2}, k.Reals)

	// Decoding into a new value keeps the defaults of what is absent.
	var b []byte
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 25)
	b = thrift.AppendString(b, "r")
	b = thrift.AppendFieldBegin(b, thrift.TypeStruct, 26)
	b = (&base.Point{}).AppendThrift(b)
	b = thrift.AppendFieldStop(b)
	k = kinds.NewKinds()
	require.NoError(t, k.DecodeThrift(thrift.NewDecoder(b)))
	assert.Equal(t, int32(42), k.WithDefault)
	assert.Equal(t, "r", k.ReqStr)
}

func TestRequiredFields(t *testing.T) {
	b := thrift.AppendFieldBegin(nil, thrift.TypeString, 25)
	b = thrift.AppendFieldStop(thrift.AppendString(b, "only req_str"))
	err := kinds.NewKinds().DecodeThrift(thrift.NewDecoder(b))
	require.ErrorIs(t, err, thrift.ErrRequired)
	require.ErrorIs(t, err, thrift.ErrProtocol)
	assert.Contains(t, err.Error(), "required field req_point (26) of Kinds is missing")

	// A nil required struct goes out empty, so the field is there; here
	// the empty Point lacks its own required fields.
	k := full()
	k.ReqPoint = nil
	err = kinds.NewKinds().DecodeThrift(thrift.NewDecoder(encode(t, k)))
	assert.ErrorIs(t, err, thrift.ErrRequired)
	assert.Contains(t, err.Error(), "x (1) of Point")

	// A required field inside a nested struct.
	b = thrift.AppendFieldBegin(nil, thrift.TypeI32, 1)
	b = thrift.AppendFieldStop(thrift.AppendI32(b, 3))
	err = base.NewPoint().DecodeThrift(thrift.NewDecoder(b))
	assert.ErrorIs(t, err, thrift.ErrRequired)
	assert.Contains(t, err.Error(), "y (2) of Point")
}

// A field whose wire type is not the IDL's is skipped, as is a container
// whose element type is not; the fields after them are still read.
func TestWrongTypesAreSkipped(t *testing.T) {
	var b []byte
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 5) // int32 sent as a string
	b = thrift.AppendString(b, "five")
	b = thrift.AppendFieldBegin(b, thrift.TypeList, 14) // list<i32> sent as list<string>
	b = thrift.AppendListBegin(b, thrift.TypeString, 2)
	b = thrift.AppendString(thrift.AppendString(b, "a"), "b")
	b = thrift.AppendFieldBegin(b, thrift.TypeMap, 16) // map<string,i64> sent as map<i32,i32>
	b = thrift.AppendMapBegin(b, thrift.TypeI32, thrift.TypeI32, 1)
	b = thrift.AppendI32(thrift.AppendI32(b, 1), 2)
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 99) // unknown
	b = thrift.AppendString(b, "?")
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 25)
	b = thrift.AppendString(b, "kept")
	b = thrift.AppendFieldBegin(b, thrift.TypeStruct, 26)
	b = (&base.Point{X: 3}).AppendThrift(b)
	b = thrift.AppendFieldStop(b)
	k := kinds.NewKinds()
	d := thrift.NewDecoder(b)
	require.NoError(t, k.DecodeThrift(d))
	assert.Zero(t, d.Len())
	assert.Zero(t, k.Int32)
	assert.Nil(t, k.Ints)
	assert.Nil(t, k.Counts)
	assert.Equal(t, "kept", k.ReqStr)
	assert.Equal(t, int32(3), k.ReqPoint.X)
}

func TestTruncatedInputFails(t *testing.T) {
	b := encode(t, full())
	for n := range len(b) - 1 {
		err := kinds.NewKinds().DecodeThrift(thrift.NewDecoder(b[:n]))
		require.Error(t, err, "prefix of %d bytes", n)
		require.ErrorIs(t, err, thrift.ErrProtocol)
	}
}

func TestRecursionIsBounded(t *testing.T) {
	var n *kinds.Node
	for i := range 100 {
		n = &kinds.Node{Value: strings.Repeat("x", i%3), Next: n}
	}
	b := encode(t, n)
	var out kinds.Node
	require.ErrorIs(t, out.DecodeThrift(thrift.NewDecoder(b)), thrift.ErrTooDeep)
	out = kinds.Node{}
	require.NoError(t, out.DecodeThrift(thrift.NewDecoder(b, thrift.WithMaxDepth(200))))
	assert.Equal(t, *n, out)
}

func TestUnion(t *testing.T) {
	for _, s := range []*kinds.Shape{{Point: &base.Point{X: 1, Y: 2}}, {Radius: thrift.Ptr(1.5)}, {Name: thrift.Ptr("sq")}, {}} {
		var out kinds.Shape
		require.NoError(t, out.DecodeThrift(thrift.NewDecoder(encode(t, s))))
		assert.Equal(t, *s, out)
	}
}

func TestEnum(t *testing.T) {
	assert.Equal(t, "DELETED", base.Status_DELETED.String())
	assert.Equal(t, "Status(9)", base.Status(9).String())
	v, err := base.StatusFromString("SUSPENDED")
	require.NoError(t, err)
	assert.Equal(t, base.Status_SUSPENDED, v)
	_, err = base.StatusFromString("GONE")
	assert.ErrorIs(t, err, thrift.ErrEnumName)

	b, err := json.Marshal(map[string]base.Status{"s": base.Status_ACTIVE})
	require.NoError(t, err)
	assert.JSONEq(t, `{"s":"ACTIVE"}`, string(b))
	var back struct{ S, N base.Status }
	require.NoError(t, json.Unmarshal([]byte(`{"S":"DELETED","N":"7"}`), &back))
	assert.Equal(t, base.Status_DELETED, back.S)
	assert.Equal(t, base.Status(7), back.N)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"S":"nope"}`), &back), thrift.ErrEnumName)
}

func TestConsts(t *testing.T) {
	assert.Equal(t, base.Status_SUSPENDED, kinds.FAVOURITE)
	assert.InDelta(t, 3.14159, kinds.PI, 0)
	assert.Equal(t, &base.Point{}, kinds.ORIGIN)
	assert.Equal(t, int32(64), base.MAX_NAME)
	assert.Equal(t, []string{"red", "green"}, base.COLORS)
	assert.Equal(t, map[string]int32{"a": 1, "b": 2}, base.LIMITS)
}

func TestEncodeAllocatesNothing(t *testing.T) {
	k := full()
	buf := make([]byte, 0, k.ThriftSize())
	allocs := testing.AllocsPerRun(100, func() {
		buf = k.AppendThrift(buf[:0])
		_ = k.ThriftSize()
	})
	assert.Zero(t, allocs)
}

// store implements kinds.Store and, through it, base.Base.
type store struct {
	mu      sync.Mutex
	touched chan base.UserID
	kept    map[base.UserID]*kinds.Kinds
}

func (s *store) Ping(context.Context) error                  { return nil }
func (s *store) Whoami(context.Context) (base.UserID, error) { return 7, nil }

func (s *store) Get(_ context.Context, id base.UserID) (*kinds.Kinds, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 0 {
		return nil, &kinds.Invalid{Reason: "negative id", Code: 400, Error_: "bad"}
	}
	k, ok := s.kept[id]
	if !ok {
		return nil, &base.NotFound{What: "kinds", Id: thrift.Ptr(id)}
	}
	return k, nil
}

func (s *store) Put(_ context.Context, k *kinds.Kinds, overwrite bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.kept[k.User]; ok && !overwrite {
		return &kinds.Invalid{Reason: "exists"}
	}
	s.kept[k.User] = k
	return nil
}

func (s *store) All(context.Context, int32, string) (kinds.KindsList, error) { return nil, nil }
func (s *store) Points(context.Context) (map[string]*base.Point, error) {
	return map[string]*base.Point{"o": {}}, nil
}

func (s *store) Touch(_ context.Context, id base.UserID) error {
	s.touched <- id
	return nil
}

func (s *store) Shape(_ context.Context, sh *kinds.Shape) (*kinds.Shape, error) { return sh, nil }
func (s *store) Blob(_ context.Context, b []byte) ([]byte, error)               { return b, nil }
func (s *store) Status(_ context.Context, st base.Status) (base.Status, error)  { return st, nil }

// Every method of a service that extends an included one, over a real
// server and client.
func TestStore(t *testing.T) {
	impl := &store{touched: make(chan base.UserID, 1), kept: map[base.UserID]*kinds.Kinds{}}
	srv, err := server.New()
	require.NoError(t, err)
	require.NoError(t, kinds.RegisterStore(srv, impl))
	ln := volotest.ListenTCP(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		<-served
	}()
	c, err := kinds.NewStoreClient(client.WithAddress(ln.Addr().String()), client.WithRPCTimeout(5*time.Second))
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()

	require.NoError(t, c.Ping(ctx), "an inherited method")
	who, err := c.Whoami(ctx)
	require.NoError(t, err)
	assert.Equal(t, base.UserID(7), who)

	k := full()
	require.NoError(t, c.Put(ctx, k, false))
	var inv *kinds.Invalid
	require.ErrorAs(t, c.Put(ctx, k, false), &inv, "a void method's exception")
	assert.Equal(t, "exists", inv.Reason)

	got, err := c.Get(ctx, k.User)
	require.NoError(t, err)
	assert.Equal(t, k, got)
	_, err = c.Get(ctx, 1)
	var nf *base.NotFound
	require.ErrorAs(t, err, &nf, "an exception from the included file")
	assert.Equal(t, base.UserID(1), *nf.Id)
	_, err = c.Get(ctx, -1)
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, int32(400), inv.Code)
	assert.False(t, errors.As(err, &nf))

	all, err := c.All(ctx, 10, "r")
	require.NoError(t, err)
	assert.NotNil(t, all, "a nil list from the handler arrives empty, not missing")
	assert.Empty(t, all)
	pts, err := c.Points(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]*base.Point{"o": {}}, pts)

	require.NoError(t, c.Touch(ctx, 3))
	assert.Equal(t, base.UserID(3), <-impl.touched)

	sh, err := c.Shape(ctx, &kinds.Shape{Radius: thrift.Ptr(2.0)})
	require.NoError(t, err)
	assert.InDelta(t, 2.0, *sh.Radius, 0)
	bl, err := c.Blob(ctx, []byte{9})
	require.NoError(t, err)
	assert.Equal(t, []byte{9}, bl)
	st, err := c.Status(ctx, base.Status_SUSPENDED)
	require.NoError(t, err)
	assert.Equal(t, base.Status_SUSPENDED, st)
}

// A value decoded into again holds only what the second encoding says,
// as a retried call's result must.
func TestDecodeIntoAReusedValue(t *testing.T) {
	res := kinds.NewStoreGetResult()
	require.NoError(t, thrift.NewDecoder(encode(t, &kinds.StoreGetResult{Nf: &base.NotFound{What: "k"}})).Decode(res))
	require.Error(t, res.Exception())
	require.NoError(t, thrift.NewDecoder(encode(t, &kinds.StoreGetResult{Success: full()})).Decode(res))
	assert.NoError(t, res.Exception(), "the first decode's exception is gone")
	assert.Equal(t, full(), res.Success)

	k := full()
	var b []byte
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 25)
	b = thrift.AppendFieldStop(thrift.AppendString(b, "r"))
	b = append(b[:len(b)-1], thrift.AppendFieldStop((&base.Point{}).AppendThrift(thrift.AppendFieldBegin(nil, thrift.TypeStruct, 26)))...)
	require.NoError(t, thrift.NewDecoder(b).Decode(k))
	assert.Equal(t, int32(42), k.WithDefault, "defaults come back")
	assert.Nil(t, k.Ints)
}

// Defaults come back in a value decoded into again, held by pointer or not.
func TestDefaultsComeBack(t *testing.T) {
	d := kinds.NewDefaults()
	d.Name, d.Count, d.Status, d.On = thrift.Ptr("changed"), 9, nil, false
	require.NoError(t, thrift.NewDecoder([]byte{0}).Decode(d))
	assert.Equal(t, kinds.NewDefaults(), d)

	fresh := kinds.NewDefaults()
	name := fresh.Name
	require.NoError(t, thrift.NewDecoder([]byte{0}).Decode(fresh))
	assert.Same(t, name, fresh.Name, "a value that holds its defaults is not written to")
}
