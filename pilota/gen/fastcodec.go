package gen

// fastCodec writes the methods that make generated structs satisfy
// cloudwego/gopkg's thrift.FastCodec, whose FastWriteNocopy takes gopkg's
// own writer type: they are in a file of their own, so that only users
// who ask for them import gopkg.
func (w *writer) fastCodec(structs []string) {
	nw := w.use(gopkgPkg) + ".NocopyWriter"
	for _, s := range structs {
		w.comment("FastWriteNocopy is FastWrite, under the name cloudwego/gopkg's FastCodec gives it; nothing is left to the writer.")
		w.p("func (p *%s) FastWriteNocopy(buf []byte, _ %s) int { return p.FastWrite(buf) }", s, nw)
		w.p("")
	}
}
