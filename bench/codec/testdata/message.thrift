// The benchmark's own message: one string field, sent with 1 KiB of text to
// measure the cost of a payload that is mostly bytes.

namespace go message

struct Message {
  1: string text
}
