package gen

import (
	"strconv"

	"github.com/govolo/volo/pilota/thriftidl"
)

// The codec of a value is written as statements over a Go expression x of
// the value's Go type (goType, or keyType for map keys). depth numbers the
// loop variables of nested containers so that they do not shadow each
// other.

// sizeExpr returns an expression for the encoded size of x, or "" when
// it takes statements (a container of values of varying size).
func (w *writer) sizeExpr(t *thriftidl.Type, x string, key bool) string {
	if fs := fixedSize(t); fs != "" {
		return w.rt(fs)
	}
	switch kindOf(t) {
	case kString, kSenum:
		return w.rt("StringSize") + "(" + x + ")"
	case kBinary:
		if key {
			return w.rt("StringSize") + "(" + x + ")"
		}
		return w.rt("BinarySize") + "(" + x + ")"
	case kStruct:
		return x + ".ThriftSize()"
	case kList, kSet:
		if fs := fixedSize(t.Underlying().Elem); fs != "" {
			return w.rt("ListBeginSize") + " + len(" + deref(x, key) + ")*" + w.rt(fs)
		}
	case kMap:
		u := t.Underlying()
		if ks, vs := fixedSize(u.Key), fixedSize(u.Value); ks != "" && vs != "" {
			return w.rt("MapBeginSize") + " + len(" + deref(x, key) + ")*(" + w.rt(ks) + "+" + w.rt(vs) + ")"
		}
	}
	return ""
}

// suffix numbers the temporaries of a nesting depth: none at the top.
func suffix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strconv.Itoa(depth)
}

// deref dereferences a map key held by pointer.
func deref(x string, key bool) string {
	if key {
		return "(*" + x + ")"
	}
	return x
}

// size writes statements that add the encoded size of x to n.
func (w *writer) size(t *thriftidl.Type, x string, key bool, depth int) {
	if e := w.sizeExpr(t, x, key); e != "" {
		w.p("n += %s", e)
		return
	}
	u := t.Underlying()
	d := suffix(depth)
	switch kindOf(t) {
	case kList, kSet:
		w.p("n += %s", w.rt("ListBeginSize"))
		w.p("for _, v%s := range %s {", d, deref(x, key))
		w.size(u.Elem, "v"+d, false, depth+1)
		w.p("}")
	case kMap:
		m := deref(x, key)
		w.p("n += %s", w.rt("MapBeginSize"))
		ks, vs := fixedSize(u.Key), fixedSize(u.Value)
		switch {
		case ks != "":
			w.p("n += len(%s) * %s", m, w.rt(ks))
			w.p("for _, v%s := range %s {", d, m)
		case vs != "":
			w.p("n += len(%s) * %s", m, w.rt(vs))
			w.p("for k%s := range %s {", d, m)
		default:
			w.p("for k%s, v%s := range %s {", d, d, m)
		}
		if ks == "" {
			w.size(u.Key, "k"+d, pointerKey(u.Key) || kindOf(u.Key) == kBinary, depth+1)
		}
		if vs == "" {
			w.size(u.Value, "v"+d, false, depth+1)
		}
		w.p("}")
	}
}

// appendValue writes statements that append x to b.
func (w *writer) appendValue(t *thriftidl.Type, x string, key bool, depth int) {
	u := t.Underlying()
	d := suffix(depth)
	switch kindOf(t) {
	case kBool:
		w.p("b = %s(b, %s)", w.rt("AppendBool"), x)
	case kI8:
		w.p("b = %s(b, %s)", w.rt("AppendI8"), x)
	case kI16:
		w.p("b = %s(b, %s)", w.rt("AppendI16"), x)
	case kI32:
		w.p("b = %s(b, %s)", w.rt("AppendI32"), x)
	case kEnum:
		w.p("b = %s(b, int32(%s))", w.rt("AppendI32"), x)
	case kI64:
		w.p("b = %s(b, %s)", w.rt("AppendI64"), x)
	case kDouble:
		w.p("b = %s(b, %s)", w.rt("AppendDouble"), x)
	case kString, kSenum:
		w.p("b = %s(b, %s)", w.rt("AppendString"), x)
	case kBinary:
		if key {
			w.p("b = %s(b, %s)", w.rt("AppendString"), x)
		} else {
			w.p("b = %s(b, %s)", w.rt("AppendBinary"), x)
		}
	case kUUID:
		w.p("b = %s(b, %s)", w.rt("AppendUUID"), x)
	case kStruct:
		w.p("b = %s.AppendThrift(b)", x)
	case kList, kSet:
		begin := "AppendListBegin"
		if kindOf(t) == kSet {
			begin = "AppendSetBegin"
		}
		w.p("b = %s(b, %s, len(%s))", w.rt(begin), w.rt(wireType(u.Elem)), deref(x, key))
		w.p("for _, v%s := range %s {", d, deref(x, key))
		w.appendValue(u.Elem, "v"+d, false, depth+1)
		w.p("}")
	case kMap:
		w.p("b = %s(b, %s, %s, len(%s))", w.rt("AppendMapBegin"), w.rt(wireType(u.Key)), w.rt(wireType(u.Value)), deref(x, key))
		w.p("for k%s, v%s := range %s {", d, d, deref(x, key))
		w.appendValue(u.Key, "k"+d, pointerKey(u.Key) || kindOf(u.Key) == kBinary, depth+1)
		w.appendValue(u.Value, "v"+d, false, depth+1)
		w.p("}")
	}
}

// readMethod is the Decoder method that reads a base type.
func readMethod(k kind, key bool) string {
	switch k {
	case kBool:
		return "ReadBool"
	case kI8:
		return "ReadI8"
	case kI16:
		return "ReadI16"
	case kI32, kEnum:
		return "ReadI32"
	case kI64:
		return "ReadI64"
	case kDouble:
		return "ReadDouble"
	case kString, kSenum:
		return "ReadString"
	case kBinary:
		if key {
			return "ReadString"
		}
		return "ReadBinary"
	case kUUID:
		return "ReadUUID"
	}
	return ""
}

// read writes statements that decode a value of t into target, an
// assignable expression of t's Go type (its key type when key is set).
// An error returns from the enclosing method; err is in scope.
func (w *writer) read(t *thriftidl.Type, target string, key bool, depth int) {
	u := t.Underlying()
	d := suffix(depth)
	k := kindOf(t)
	switch k {
	case kEnum:
		w.p("if x, err := d.ReadI32(); err != nil {")
		w.p("return err")
		w.p("} else {")
		w.p("%s = %s(x)", target, w.enumName(t))
		w.p("}")
	case kStruct:
		_, _, newFunc := w.structOf(t)
		w.p("v%s := %s()", d, newFunc)
		w.p("if err := v%s.DecodeThrift(d); err != nil {", d)
		w.p("return err")
		w.p("}")
		w.p("%s = v%s", target, d)
	case kList, kSet:
		begin := "ReadListBegin"
		if k == kSet {
			begin = "ReadSetBegin"
		}
		elem := u.Elem
		goT := w.goType(t)
		w.p("et%s, n%s, err := d.%s()", d, d, begin)
		w.p("if err != nil {")
		w.p("return err")
		w.p("}")
		w.p("var l%s %s", d, goT)
		w.p("if n%s > 0 && et%s != %s {", d, d, w.rt(wireType(elem)))
		w.p("if err := d.SkipElements(et%s, n%s); err != nil {", d, d)
		w.p("return err")
		w.p("}")
		w.p("} else {")
		w.p("l%s = make(%s, n%s)", d, goT, d)
		w.p("for i%s := range l%s {", d, d)
		w.read(elem, "l"+d+"[i"+d+"]", false, depth+1)
		w.p("}")
		w.p("}")
		if key {
			w.p("%s = &l%s", target, d)
		} else {
			w.p("%s = l%s", target, d)
		}
	case kMap:
		goT := w.goType(t)
		w.p("kt%s, vt%s, n%s, err := d.ReadMapBegin()", d, d, d)
		w.p("if err != nil {")
		w.p("return err")
		w.p("}")
		w.p("var m%s %s", d, goT)
		w.p("if n%s > 0 && (kt%s != %s || vt%s != %s) {", d, d, w.rt(wireType(u.Key)), d, w.rt(wireType(u.Value)))
		w.p("if err := d.SkipEntries(kt%s, vt%s, n%s); err != nil {", d, d, d)
		w.p("return err")
		w.p("}")
		w.p("} else {")
		w.p("m%s = make(%s, n%s)", d, goT, d)
		w.p("for range n%s {", d)
		w.p("var k%s %s", d, w.keyType(u.Key))
		w.read(u.Key, "k"+d, pointerKey(u.Key) || kindOf(u.Key) == kBinary, depth+1)
		w.p("var e%s %s", d, w.goType(u.Value))
		// depth+2: the key's temporaries live in the same block.
		w.read(u.Value, "e"+d, false, depth+2)
		w.p("m%s[k%s] = e%s", d, d, d)
		w.p("}")
		w.p("}")
		if key {
			w.p("%s = &m%s", target, d)
		} else {
			w.p("%s = m%s", target, d)
		}
	default:
		w.p("if %s, err = d.%s(); err != nil {", target, readMethod(k, key))
		w.p("return err")
		w.p("}")
	}
}
