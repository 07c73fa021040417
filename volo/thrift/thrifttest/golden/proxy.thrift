/**
 * Package proxy is generated with unknown fields kept: a Thin decoded from
 * a Wide's bytes keeps what it does not know and writes it again.
 */
namespace go golden.proxy

struct Thin {
  1: string name
}

struct Wide {
  1: string name
  2: i32 extra
  3: list<string> more
  4: Thin nested
}

struct Empty {}
