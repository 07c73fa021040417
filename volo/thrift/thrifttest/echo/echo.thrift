/**
 * Package echo holds the services volo's tests, examples and benchmarks
 * share. It is generated from echo.thrift, and it is the code generator's
 * first golden file: what the generator writes for this IDL is this
 * package, byte for byte.
 */
namespace go echo

/** EchoError is what Shout throws for a message it refuses. */
exception EchoError {
  1: string message
}

/** Echo answers with what it is sent. */
service Echo {
  /** Echo returns msg. */
  string echo(1: string msg)
}

/** Shout is an Echo that can also shout and be notified. */
service Shout extends Echo {
  /** Shout returns msg in capitals, or throws EchoError for an empty msg. */
  string shout(1: string msg) throws (1: EchoError err)
  /** Notify delivers msg; the caller waits for no reply. */
  oneway void notify(1: string msg)
}
