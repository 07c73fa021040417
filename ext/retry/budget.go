package retry

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// A Budget bounds the retries and hedges sent to one target, whatever the
// policies allow per call: when the target fails for every call, a budget
// keeps the extra load a fixed share of the calls instead of a multiple.
// Share one budget between every layer that calls the same target (the
// retry and hedging layers of all the clients of one service). [NewBudget]
// and [NewThrottle] make the two kinds; a Budget is safe for concurrent use.
type Budget interface {
	// String describes the budget for stack descriptions.
	String() string

	// deposit counts a call (not an attempt) starting now, by clk.
	deposit(clk clock)
	// withdraw reports whether one more attempt may be sent, and spends
	// it if so.
	withdraw(now time.Duration) bool
	// refund gives back an attempt withdrawn but not sent.
	refund(now time.Duration)
	// outcome counts the result of an attempt: ok for an answer, not ok
	// for a failure that could be retried.
	outcome(ok bool)
}

// Defaults of [DefaultBudget], Finagle's, and of [NewBudget]'s arguments.
const (
	DefaultBudgetTTL          = 10 * time.Second
	DefaultBudgetMinPerSecond = 10
	DefaultBudgetRatio        = 0.2
)

// Defaults of [NewThrottle]'s arguments, those of gRPC's example service
// config.
const (
	DefaultThrottleMaxTokens  = 10
	DefaultThrottleTokenRatio = 0.1
)

// DefaultBudget returns a new budget with Finagle's defaults: retries and
// hedges up to 20% of the calls, plus 10 a second, counted over 10
// seconds. It is NewBudget(10*time.Second, 10, 0.2).
func DefaultBudget() Budget {
	return NewBudget(DefaultBudgetTTL, DefaultBudgetMinPerSecond, DefaultBudgetRatio)
}

// budgetSlices is the number of slices of a token budget's window: a
// deposit expires within a tenth of the ttl of its due time.
const budgetSlices = 10

// budgetRollEvery is how often, in deposits, a deposit reads the clock to
// move the window (one in budgetRollEvery at random): the others land in
// the newest slice known, so a deposit costs no clock read. At low rates
// that slice may be older than the deposit, which then expires early: the
// budget errs on the side of fewer retries. Withdrawals, on the retry
// path, always read the clock.
const budgetRollEvery = 16

// budgetStripes spreads the deposits of one slice over counters on cache
// lines of their own, so that cores depositing at once do not contend.
const budgetStripes = 8

// budgetScale is the fixed point of a token budget: a call deposits that
// many units (times the ratio's share), an attempt withdraws that many.
const budgetScale = 1000

// NewBudget returns Finagle's retry budget: every call deposits a token
// that lasts ttl, a retry or a hedge withdraws 1/ratio tokens, and
// minPerSecond retries a second (minPerSecond × ttl at once) are allowed on
// top, so that a client with few calls can still retry. Over any ttl, the
// attempts beyond the first are then at most ratio × calls + minPerSecond
// × ttl.
//
// A ttl of zero or less is the default, [DefaultBudgetTTL]; a positive one
// below one second is one second, above an hour an hour. A zero
// minPerSecond or ratio is a value, not the default: no reserve, or no
// share of the calls (the reserve alone); below zero (a NaN ratio too)
// they are the defaults, [DefaultBudgetMinPerSecond] and
// [DefaultBudgetRatio]. A ratio above 1000 is 1000.
func NewBudget(ttl time.Duration, minPerSecond int, ratio float64) Budget {
	if ttl <= 0 {
		ttl = DefaultBudgetTTL
	}
	ttl = min(max(ttl, time.Second), time.Hour)
	if minPerSecond < 0 {
		minPerSecond = DefaultBudgetMinPerSecond
	}
	if math.IsNaN(ratio) || ratio < 0 {
		ratio = DefaultBudgetRatio
	}
	ratio = min(ratio, 1000)
	b := &tokenBudget{slice: ttl / budgetSlices}
	if ratio == 0 {
		// Only the reserve: every retry costs one token of it.
		b.withdrawAmt = budgetScale
	} else {
		b.depositAmt = budgetScale
		b.withdrawAmt = int64(budgetScale / ratio)
	}
	b.reserve = int64(minPerSecond) * int64(ttl/time.Second) * b.withdrawAmt
	b.desc = fmt.Sprintf("budget(%g%% + %d/s over %v)", ratio*100, minPerSecond, ttl)
	return b
}

// tokenBudget is a sum over a sliding window of slices: deposits and
// withdrawals land in the slice of their time and expire with it.
type tokenBudget struct {
	slice time.Duration
	slots [budgetSlices][budgetStripes]stripe
	// cur is the index (time / slice) of the newest slice.
	cur atomic.Int64

	depositAmt, withdrawAmt, reserve int64
	desc                             string

	// mu serialises rolling the window and withdrawals, so that two
	// withdrawals never both spend the last tokens. Deposits take no lock.
	mu sync.Mutex
}

func (b *tokenBudget) String() string { return b.desc }

func (b *tokenBudget) deposit(clk clock) {
	if b.depositAmt == 0 {
		return
	}
	r := rand.Uint32()
	if r%budgetRollEvery == 0 {
		b.add(clk.now(), b.depositAmt)
		return
	}
	b.slots[b.cur.Load()%budgetSlices][r/budgetRollEvery%budgetStripes].v.Add(b.depositAmt)
}

// stripe is one counter of a slice, alone on its cache line.
type stripe struct {
	v atomic.Int64
	_ [56]byte
}

func (b *tokenBudget) outcome(bool) {}

func (b *tokenBudget) withdraw(now time.Duration) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.rollLocked(now)
	sum := b.reserve
	for s := range b.slots {
		for j := range b.slots[s] {
			sum += b.slots[s][j].v.Load()
		}
	}
	if sum < b.withdrawAmt {
		return false
	}
	b.slots[i%budgetSlices][0].v.Add(-b.withdrawAmt)
	return true
}

func (b *tokenBudget) refund(now time.Duration) { b.add(now, b.withdrawAmt) }

// add adds v to the slice of now.
func (b *tokenBudget) add(now time.Duration, v int64) {
	i := int64(now / b.slice)
	c := b.cur.Load()
	if i > c {
		b.mu.Lock()
		b.rollLocked(now)
		b.mu.Unlock()
	} else if c-i >= budgetSlices {
		// Older than the window (a caller with a stale clock reading).
		return
	}
	b.slots[i%budgetSlices][0].v.Add(v)
}

// rollLocked moves the window to now, clearing the slices that expired,
// and returns now's slice index.
func (b *tokenBudget) rollLocked(now time.Duration) int64 {
	i := int64(now / b.slice)
	c := b.cur.Load()
	if i <= c {
		return i
	}
	for j := c + 1; j <= i && j <= c+budgetSlices; j++ {
		for k := range b.slots[j%budgetSlices] {
			b.slots[j%budgetSlices][k].v.Store(0)
		}
	}
	b.cur.Store(i)
	return i
}

// NewThrottle returns gRPC's retry throttling (gRFC A6): a token count
// starts at maxTokens, each attempt that fails in a way that could be
// retried takes one token, each answer gives back tokenRatio, and retries
// and hedges are sent only while more than half the tokens are left. It
// stops retrying at once when a target starts failing, and resumes when
// answers come back.
//
// A maxTokens or tokenRatio of zero or less (or NaN) is the default,
// [DefaultThrottleMaxTokens] or [DefaultThrottleTokenRatio]; positive
// values are moved into [1, 1000] and [0.001, 1], and both are kept to
// three decimals.
func NewThrottle(maxTokens, tokenRatio float64) Budget {
	if !(maxTokens > 0) {
		maxTokens = DefaultThrottleMaxTokens
	}
	if !(tokenRatio > 0) {
		tokenRatio = DefaultThrottleTokenRatio
	}
	maxTokens = min(max(maxTokens, 1), 1000)
	tokenRatio = min(max(tokenRatio, 0.001), 1)
	t := &throttle{
		max:   int64(math.Round(maxTokens * budgetScale)),
		ratio: int64(math.Round(tokenRatio * budgetScale)),
	}
	t.tokens.Store(t.max)
	t.desc = fmt.Sprintf("throttle(%g tokens, ratio %g)", float64(t.max)/budgetScale, float64(t.ratio)/budgetScale)
	return t
}

// throttle counts thousandths of a token.
type throttle struct {
	tokens     atomic.Int64
	max, ratio int64
	desc       string
}

func (t *throttle) String() string { return t.desc }

func (t *throttle) deposit(clock) {}

func (t *throttle) withdraw(time.Duration) bool { return t.tokens.Load() > t.max/2 }

func (t *throttle) refund(time.Duration) {}

func (t *throttle) outcome(ok bool) {
	for {
		v := t.tokens.Load()
		var next int64
		if ok {
			if v >= t.max {
				return
			}
			next = min(v+t.ratio, t.max)
		} else {
			if v <= 0 {
				return
			}
			next = max(v-budgetScale, 0)
		}
		if t.tokens.CompareAndSwap(v, next) {
			return
		}
	}
}
