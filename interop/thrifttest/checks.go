package thrifttest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/govolo/volo/volo/thrift"
)

// Checks returns the call sequence [Run] makes, in order: Apache's test
// clients' calls, with their values and some boundaries more (empty and
// large strings, binaries and containers, the extremes of every integer,
// infinities).
func Checks() []Check {
	return []Check{
		{"testVoid", checkVoid},
		{"testString", checkString},
		{"testBool", checkBool},
		{"testByte", checkByte},
		{"testI32", checkI32},
		{"testI64", checkI64},
		{"testDouble", checkDouble},
		{"testBinary", checkBinary},
		{"testUuid", checkUUID},
		{"testStruct", checkStruct},
		{"testNest", checkNest},
		{"testMap", checkMap},
		{"testStringMap", checkStringMap},
		{"testSet", checkSet},
		{"testList", checkList},
		{"testEnum", checkEnum},
		{"testTypedef", checkTypedef},
		{"testMapMap", checkMapMap},
		{"testInsanity", checkInsanity},
		{"testMulti", checkMulti},
		{"testException", checkException},
		{"testMultiException", checkMultiException},
		{"testOneway", checkOneway},
	}
}

// echo calls an identity method with each value and checks it comes back.
func echo[T any](ctx context.Context, name string, call func(context.Context, T) (T, error), values ...T) error {
	for _, v := range values {
		got, err := call(ctx, v)
		if err != nil {
			return fmt.Errorf("%s(%s): %w", name, show(v), err)
		}
		if !reflect.DeepEqual(got, v) {
			return fmt.Errorf("%s(%s) = %s", name, show(v), show(got))
		}
	}
	return nil
}

// show formats a value for a failure, cutting long ones.
func show(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 80 {
		s = fmt.Sprintf("%.60s... (%d bytes)", s, len(s))
	}
	return s
}

func checkVoid(ctx context.Context, c Client) error {
	if err := c.TestVoid(ctx); err != nil {
		return fmt.Errorf("testVoid(): %w", err)
	}
	return nil
}

// unicode is the C++ test client's string of language names: multi-byte
// UTF-8 of many scripts, with bidirectional marks.
const unicode = "}{Afrikaans, Alemannisch, Aragonés, العربية, مصرى, Asturianu, Aymar aru, " +
	"Azərbaycan, Башҡорт, Boarisch, Žemaitėška, Беларуская, Беларуская (тарашкевіца), " +
	"Български, Bamanankan, বাংলা, Brezhoneg, Bosanski, Català, Mìng-dĕ̤ng-ngṳ̄, Нохчийн, " +
	"Cebuano, ᏣᎳᎩ, Česky, Словѣ́ньскъ / ⰔⰎⰑⰂⰡⰐⰠⰔⰍⰟ, Чӑвашла, Cymraeg, Dansk, Zazaki, " +
	"ދިވެހިބަސް, Ελληνικά, Emiliàn e rumagnòl, English, Esperanto, Español, Eesti, " +
	"Euskara, فارسی, Suomi, Võro, Føroyskt, Français, Arpetan, Furlan, Frysk, Gaeilge, " +
	"贛語, Gàidhlig, Galego, Avañe'ẽ, ગુજરાતી, Gaelg, עברית, हिन्दी, Fiji Hindi, Hrvatski, " +
	"Kreyòl ayisyen, Magyar, Հայերեն, Interlingua, Bahasa Indonesia, Ilokano, Ido, " +
	"Íslenska, Italiano, 日本語, Lojban, Basa Jawa, ქართული, Kongo, Kalaallisut, ಕನ್ನಡ, " +
	"한국어, Къарачай-Малкъар, Ripoarisch, Kurdî, Коми, Kernewek, Кыргызча, Latina, Ladino, " +
	"Lëtzebuergesch, Limburgs, Lingála, ລາວ, Lietuvių, Latviešu, Basa Banyumasan, " +
	"Malagasy, Македонски, മലയാളം, मराठी, مازِرونی, Bahasa Melayu, Nnapulitano, " +
	"Nedersaksisch, नेपाल भाषा, Nederlands, \u202aNorsk (nynorsk)\u202c, " +
	"\u202aNorsk (bokmål)\u202c, Nouormand, Diné bizaad, Occitan, Иронау, Papiamentu, " +
	"Deitsch, Polski, پنجابی, پښتو, Norfuk / Pitkern, Português, Runa Simi, Rumantsch, " +
	"Romani, Română, Русский, Саха тыла, Sardu, Sicilianu, Scots, Sámegiella, " +
	"Simple English, Slovenčina, Slovenščina, Српски / Srpski, Seeltersk, Svenska, " +
	"Kiswahili, தமிழ், తెలుగు, Тоҷикӣ, ไทย, Türkmençe, Tagalog, Türkçe, Татарча/Tatarça, " +
	"Українська, اردو, Tiếng Việt, Volapük, Walon, Winaray, 吴语, isiXhosa, ייִדיש, " +
	"Yorùbá, Zeêuws, 中文, Bân-lâm-gú, 粵語"

// escapes is the C++ test client's string of characters that JSON and
// other text protocols escape.
const escapes = "quote: \" backslash: forwardslash-escaped: \\/  backspace: \b formfeed: \f " +
	"newline: \n return: \r tab:  now-all-of-them-together: \"\\\\/\b\n\r\t " +
	"now-a-bunch-of-junk: !@#$%&()(&%$#{}{}<><>< char-to-test-json-parsing: ]] \"]] \\\" }}}{ [[[ "

func checkString(ctx context.Context, c Client) error {
	return echo(ctx, "testString", c.TestString,
		"Test", "thing", "", unicode, escapes, "nul \x00 inside",
		strings.Repeat("large ", 200_000)) // 1.2 MB
}

func checkBool(ctx context.Context, c Client) error {
	return echo(ctx, "testBool", c.TestBool, true, false)
}

func checkByte(ctx context.Context, c Client) error {
	return echo(ctx, "testByte", c.TestByte, 0, -1, 1, 42, -42, math.MaxInt8, math.MinInt8)
}

func checkI32(ctx context.Context, c Client) error {
	return echo(ctx, "testI32", c.TestI32, 0, -1, 1, 4242, 190000013, -190000013, math.MaxInt32, math.MinInt32)
}

func checkI64(ctx context.Context, c Client) error {
	return echo(ctx, "testI64", c.TestI64, 0, -1, 1, 424242,
		7000000000000000123, -7000000000000000123,
		1<<32, -(1 << 32), 1<<32+1, -(1<<32)-1,
		math.MaxInt64, math.MinInt64)
}

func checkDouble(ctx context.Context, c Client) error {
	return echo(ctx, "testDouble", c.TestDouble,
		0, -1, 42.42, -5.2098523, -0.000341012439638598279,
		1<<32, 1<<32+1, 1<<53-1, -(1 << 32), -(1<<32)-1, -(1<<53)+1,
		1e307, 1e-292, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Inf(1), math.Inf(-1))
}

func checkBinary(ctx context.Context, c Client) error {
	// The C++ client's sizes, 0 and the powers of two to 128 KiB, each
	// filled with a repeating byte pattern; then every byte value once.
	var values [][]byte
	for n := 0; n <= 1<<17; n = max(2*n, 1) {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + 3)
		}
		values = append(values, b)
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	values = append(values, all)
	for _, v := range values {
		got, err := c.TestBinary(ctx, v)
		if err != nil {
			return fmt.Errorf("testBinary(%d bytes): %w", len(v), err)
		}
		// An empty binary may come back nil: compare the bytes.
		if string(got) != string(v) {
			return fmt.Errorf("testBinary(%d bytes) = %d bytes, not the same", len(v), len(got))
		}
	}
	return nil
}

func checkUUID(ctx context.Context, c Client) error {
	return echo(ctx, "testUuid", c.TestUuid,
		thrift.UUID{0x5e, 0x2a, 0xb1, 0x88, 0x17, 0x26, 0x4e, 0x75, 0xa0, 0x4f, 0x1e, 0xd9, 0xa6, 0xa8, 0x9c, 0x4c},
		thrift.UUID{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff},
		thrift.UUID{},
		thrift.UUID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
}
