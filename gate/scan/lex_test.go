package scan

import (
	"strings"
	"testing"
)

// kinds renders the token stream compactly: idents and ops as text,
// strings as S(value), numbers as N(text), variables $v, params -p, newlines ⏎.
func kinds(l *Lexed) string {
	var b []string
	for _, t := range l.Toks {
		switch t.Kind {
		case TString:
			b = append(b, "S("+t.Val+")")
		case TNumber:
			b = append(b, "N("+t.Text+")")
		case TVar:
			b = append(b, "$"+t.Val)
		case TParam:
			b = append(b, "-"+t.Val)
		case TNL:
			b = append(b, "⏎")
		default:
			b = append(b, t.Text)
		}
	}
	return strings.Join(b, " ")
}

func TestLexers(t *testing.T) {
	cases := []struct {
		lang     Lang
		src      string
		want     string
		comments int
	}{
		{LangCSharp, `a = "x\"y" + @"p""q" + $"{b}" + 'c' + '\'';`, `a = S(x"y) + S(p"q) + S({b}) + S(c) + S(\') ;`, 0},
		{LangCSharp, "x /* | Y */ | z // tail\n#pragma warning disable CA5364\ny", `x | z y`, 2},
		{LangCSharp, "s = \"\"\"\n  raw \"quoted\" ServicePointManager\n  \"\"\";", `s = S(` + "\n  raw \"quoted\" ServicePointManager\n  " + `) ;`, 0},
		{LangCSharp, "v = 0xC00 | 3_072UL;", `v = N(0xC00) | N(3_072UL) ;`, 0},
		{LangCSharp, "a |= b; c &= ~d; e => f; g == h", `a |= b ; c &= ~ d ; e => f ; g == h`, 0},
		{LangFSharp, "x <- A ||| B (* c (* nested *) *) // d", `x <- A ||| B`, 2},
		{LangVB, "x = &HC00 Or 768 ' comment\nREM all\ny = \"a\"\"b\" _\n  & z", `x = N(&HC00) Or N(768) ⏎ y = S(a"b) & z ⏎`, 2},
		{LangVB, "#Disable Warning CA5364\nq = [Next]", `⏎ q = Next ⏎`, 0},
		{LangPS, "$x = 'it''s' + \"a`\"b\" # c\n<# block\n #> [Net.ServicePointManager]::SecurityProtocol -bor 3072", `$x = S(it's) + S(a"b) ⏎ [ Net.ServicePointManager ] :: SecurityProtocol -bor N(3072) ⏎`, 2},
		{LangPS, "Add-Type @\"\nclass A { }\n\"@\nSet-ItemProperty -Path $p -Name X `\n  -Value 0", `Add-Type S(class A { }) ⏎ Set-ItemProperty -path $p -name X -value N(0) ⏎`, 0},
		{LangPS, "$script:Old = (\n 1,\n 2)\n$env:X", `$old = ( N(1) , N(2) ) ⏎ $env:x ⏎`, 0},
	}
	for _, c := range cases {
		l := Lex(c.lang, c.src, 0, len(c.src))
		if got := kinds(l); got != c.want {
			t.Errorf("lang %d %q:\n got  %s\n want %s", c.lang, c.src, got, c.want)
		}
		if n := len(l.Comments); n != c.comments {
			t.Errorf("lang %d %q: %d comments, want %d", c.lang, c.src, n, c.comments)
		}
	}
}

func TestParseNumberAndEnumStrings(t *testing.T) {
	for s, want := range map[string]uint64{"3072": 3072, "0xC00": 3072, "&HC00": 3072, "3_072": 3072, "768L": 768, "0b11": 3, "0x30u": 48} {
		if got, ok := parseNumber(s); !ok || got != want {
			t.Errorf("parseNumber(%q) = %d, %v", s, got, ok)
		}
	}
	v, ok := parseEnumString(" tls, Tls11 ,TLS12")
	if !ok || v.add != bitTls|bitTls11|bitTls12 {
		t.Errorf("parseEnumString = %+v %v", v, ok)
	}
	if _, ok := parseEnumString("Tls14"); ok {
		t.Error("unknown member accepted")
	}
}

func TestAnchorPrefilter(t *testing.T) {
	if f, _ := codeAnchors.find("x = ServicePointManager.SECURITYPROTOCOL;"); !f {
		t.Fatal("anchor missed")
	}
	if f, m := codeAnchors.find("// tlsgate:ignore TLS001 x\ncb = ValidationCallback"); !f || !m {
		t.Fatal("anchor missed")
	}
	if f, m := codeAnchors.find("class Order { int Total; } // nothing here"); f || m {
		t.Fatal("false anchor")
	}
	if f, _ := codeAnchors.find("Set-ItemProperty"); f {
		t.Fatal("code anchor in a cmdlet")
	}
	if f, _ := psAnchorSet.find("Set-ItemProperty -Path x"); !f {
		t.Fatal("PowerShell anchors wrong")
	}
}
