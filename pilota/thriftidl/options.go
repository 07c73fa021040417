package thriftidl

import "io/fs"

// Option configures Load.
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

type config struct {
	// includeDirs are searched, in order, for an include that is not found
	// next to the including file. Default: none.
	includeDirs []string
	// fsys is where files are read from. Default: nil, the operating
	// system's file system.
	fsys fs.FS
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// WithIncludeDirs adds directories to search for included files. An include
// path is first resolved relative to the directory of the including file,
// then relative to each of dirs in order, as Apache's -I does. Several
// WithIncludeDirs add up.
func WithIncludeDirs(dirs ...string) Option {
	return optionFunc(func(c config) config {
		c.includeDirs = append(c.includeDirs[:len(c.includeDirs):len(c.includeDirs)], dirs...)
		return c
	})
}

// WithFS makes Load read files from fsys instead of the operating system,
// for tests and for IDL embedded with embed.FS. Paths are then slash
// separated and relative to the root of fsys, as io/fs requires; an
// absolute include path is taken relative to the root.
func WithFS(fsys fs.FS) Option {
	return optionFunc(func(c config) config {
		c.fsys = fsys
		return c
	})
}
