package discovery_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// srv is one SRV record of the test DNS server.
type srv struct {
	priority, weight, port uint16
	target                 string
}

// dnsServer is a tiny authoritative DNS server on loopback UDP that answers
// A, AAAA and SRV questions from a table, enough for net.Resolver.
type dnsServer struct {
	conn net.PacketConn
	done chan struct{}

	mu    sync.Mutex
	hosts map[string][]netip.Addr // lower-case rooted name -> addresses
	srvs  map[string][]srv
}

func startDNS(t *testing.T) *dnsServer {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &dnsServer{conn: conn, done: make(chan struct{}), hosts: map[string][]netip.Addr{}, srvs: map[string][]srv{}}
	go s.serve()
	t.Cleanup(func() {
		_ = conn.Close()
		<-s.done
	})
	return s
}

func (s *dnsServer) setHost(name string, addrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var as []netip.Addr
	for _, a := range addrs {
		as = append(as, netip.MustParseAddr(a))
	}
	s.hosts[strings.ToLower(name)] = as
}

func (s *dnsServer) setSRV(name string, records ...srv) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.srvs[strings.ToLower(name)] = records
}

// resolver returns a pure-Go resolver that sends every query to s.
func (s *dnsServer) resolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", s.conn.LocalAddr().String())
		},
	}
}

func (s *dnsServer) serve() {
	defer close(s.done)
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp, err := s.answer(buf[:n]); err == nil {
			_, _ = s.conn.WriteTo(resp, from)
		}
	}
}

const (
	typeA    = 1
	typeAAAA = 28
	typeSRV  = 33
)

// answer builds the reply to one query packet.
func (s *dnsServer) answer(q []byte) ([]byte, error) {
	if len(q) < 12 {
		return nil, errors.New("short query")
	}
	name, end, err := readName(q, 12)
	if err != nil || end+4 > len(q) {
		return nil, errors.New("bad question")
	}
	qtype := binary.BigEndian.Uint16(q[end:])
	question := q[12 : end+4]

	s.mu.Lock()
	addrs, known := s.hosts[name]
	srvs, knownSRV := s.srvs[name]
	s.mu.Unlock()

	var answers [][]byte
	switch qtype {
	case typeA, typeAAAA:
		for _, a := range addrs {
			if a.Is4() == (qtype == typeA) {
				answers = append(answers, a.AsSlice())
			}
		}
	case typeSRV:
		for _, r := range srvs {
			rdata := binary.BigEndian.AppendUint16(nil, r.priority)
			rdata = binary.BigEndian.AppendUint16(rdata, r.weight)
			rdata = binary.BigEndian.AppendUint16(rdata, r.port)
			answers = append(answers, appendName(rdata, r.target))
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])       // id
	flags := uint16(0x8400) // response, authoritative
	if !known && !knownSRV {
		flags |= 3 // NXDOMAIN
	}
	binary.BigEndian.PutUint16(resp[2:], flags|uint16(q[2]&1)<<8) // echo RD
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(answers)))
	resp = append(resp, question...)
	for _, rdata := range answers {
		resp = append(resp, 0xc0, 12) // pointer to the question's name
		resp = binary.BigEndian.AppendUint16(resp, qtype)
		resp = binary.BigEndian.AppendUint16(resp, 1) // IN
		resp = binary.BigEndian.AppendUint32(resp, 1) // TTL
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata)))
		resp = append(resp, rdata...)
	}
	return resp, nil
}

// readName reads an uncompressed name at off and returns it rooted and in
// lower case, with the offset after it.
func readName(b []byte, off int) (string, int, error) {
	var sb strings.Builder
	for {
		if off >= len(b) {
			return "", 0, errors.New("name runs off the packet")
		}
		l := int(b[off])
		off++
		if l == 0 {
			break
		}
		if l > 63 || off+l > len(b) {
			return "", 0, errors.New("bad label")
		}
		sb.Write(b[off : off+l])
		sb.WriteByte('.')
		off += l
	}
	return strings.ToLower(sb.String()), off, nil
}

func appendName(b []byte, name string) []byte {
	if name == "." {
		return append(b, 0)
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	return append(b, 0)
}
