package etcd_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/discovery/etcd"
)

// Each option has the types of the constructors that read it and no other,
// so giving WithTTL to a Discoverer, which has no lease, does not compile.
// Their effect is checked against a real etcd: WithPrefix and
// WithErrorHandler by TestRegistrationComesBackAfterLeaseRevoked, WithTTL by
// the lease tests.
func TestOptionTypes(t *testing.T) {
	registry, discoverer := reflect.TypeFor[etcd.RegistryOption](), reflect.TypeFor[etcd.DiscovererOption]()
	for _, tc := range []struct {
		name                 string
		opt                  any
		registry, discoverer bool
	}{
		{"WithPrefix", etcd.WithPrefix("/p/"), true, true},
		{"WithErrorHandler", etcd.WithErrorHandler(nil), true, true},
		{"WithTTL", etcd.WithTTL(0), true, false},
	} {
		typ := reflect.TypeOf(tc.opt)
		assert.Equal(t, tc.registry, typ.Implements(registry), "%s as a RegistryOption", tc.name)
		assert.Equal(t, tc.discoverer, typ.Implements(discoverer), "%s as a DiscovererOption", tc.name)
	}
}
