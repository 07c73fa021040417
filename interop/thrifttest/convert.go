package thrifttest

import (
	at "github.com/govolo/volo/interop/thrifttest/apachegen/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// The conversions between volo's generated types and Apache's keep nil
// as nil, so that what one side leaves unset the other does too.

func toApacheXtruct(x *gen.Xtruct) *at.Xtruct {
	if x == nil {
		return nil
	}
	return &at.Xtruct{StringThing: x.StringThing, ByteThing: x.ByteThing, I32Thing: x.I32Thing, I64Thing: x.I64Thing}
}

func fromApacheXtruct(x *at.Xtruct) *gen.Xtruct {
	if x == nil {
		return nil
	}
	return &gen.Xtruct{StringThing: x.StringThing, ByteThing: x.ByteThing, I32Thing: x.I32Thing, I64Thing: x.I64Thing}
}

func toApacheXtruct2(x *gen.Xtruct2) *at.Xtruct2 {
	if x == nil {
		return nil
	}
	return &at.Xtruct2{ByteThing: x.ByteThing, StructThing: toApacheXtruct(x.StructThing), I32Thing: x.I32Thing}
}

func fromApacheXtruct2(x *at.Xtruct2) *gen.Xtruct2 {
	if x == nil {
		return nil
	}
	return &gen.Xtruct2{ByteThing: x.ByteThing, StructThing: fromApacheXtruct(x.StructThing), I32Thing: x.I32Thing}
}

func toApacheInsanity(x *gen.Insanity) *at.Insanity {
	if x == nil {
		return nil
	}
	r := &at.Insanity{}
	if x.UserMap != nil {
		r.UserMap = make(map[at.Numberz]at.UserId, len(x.UserMap))
		for k, v := range x.UserMap {
			r.UserMap[at.Numberz(k)] = at.UserId(v)
		}
	}
	if x.Xtructs != nil {
		r.Xtructs = make([]*at.Xtruct, len(x.Xtructs))
		for i, v := range x.Xtructs {
			r.Xtructs[i] = toApacheXtruct(v)
		}
	}
	return r
}

func fromApacheInsanity(x *at.Insanity) *gen.Insanity {
	if x == nil {
		return nil
	}
	r := &gen.Insanity{}
	if x.UserMap != nil {
		r.UserMap = make(map[gen.Numberz]gen.UserId, len(x.UserMap))
		for k, v := range x.UserMap {
			r.UserMap[gen.Numberz(k)] = gen.UserId(v)
		}
	}
	if x.Xtructs != nil {
		r.Xtructs = make([]*gen.Xtruct, len(x.Xtructs))
		for i, v := range x.Xtructs {
			r.Xtructs[i] = fromApacheXtruct(v)
		}
	}
	return r
}

// insanityMap converts testInsanity's result from one side's types to the
// other's.
func insanityMap[K1, K2 ~int64, N1, N2 interface{ ~int32 | ~int64 }, I1, I2 any](m map[K1]map[N1]I1, conv func(I1) I2) map[K2]map[N2]I2 {
	if m == nil {
		return nil
	}
	r := make(map[K2]map[N2]I2, len(m))
	for k, inner := range m {
		if inner == nil {
			r[K2(k)] = nil
			continue
		}
		ri := make(map[N2]I2, len(inner))
		for n, v := range inner {
			ri[N2(n)] = conv(v)
		}
		r[K2(k)] = ri
	}
	return r
}

func toApacheXception(x *gen.Xception) *at.Xception {
	return &at.Xception{ErrorCode: x.ErrorCode, Message: x.Message}
}

func fromApacheXception(x *at.Xception) *gen.Xception {
	return &gen.Xception{ErrorCode: x.ErrorCode, Message: x.Message}
}

func toApacheXception2(x *gen.Xception2) *at.Xception2 {
	return &at.Xception2{ErrorCode: x.ErrorCode, StructThing: toApacheXtruct(x.StructThing)}
}

func fromApacheXception2(x *at.Xception2) *gen.Xception2 {
	return &gen.Xception2{ErrorCode: x.ErrorCode, StructThing: fromApacheXtruct(x.StructThing)}
}
