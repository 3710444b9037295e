package admx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/genfixture"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func TestGolden(t *testing.T) {
	tests := []struct {
		name    string
		product string
		plan    func() settings.Plan
	}{
		{"plain", "tlsgate TLS hardening", genfixture.Plan},
		{"hostile-names", genfixture.Hostile, genfixture.Plan},
		{"win11", "tlsgate TLS hardening", func() settings.Plan {
			p := genfixture.Plan()
			p.OS = "win11"
			k := `SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.3\Client`
			for _, n := range []string{"Enabled", "DisabledByDefault"} {
				p.Settings = append(p.Settings, settings.Setting{Hive: "HKLM", Key: k, View: settings.View64, Name: n, Type: "REG_DWORD",
					Value: map[string]uint32{"Enabled": 1}[n], Family: "schannel-protocol", Reason: "TLS 1.3 on for clients"})
			}
			return p
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := genfixture.Generate(t, Generator{}, tt.plan(), genfixture.Policy(tt.product))
			genfixture.CheckGoldenTree(t, b.Dir)
		})
	}
}

func TestDeterministic(t *testing.T) {
	a := genfixture.Generate(t, Generator{}, genfixture.Plan(), genfixture.Policy("x"))
	b := genfixture.Generate(t, Generator{}, genfixture.Plan(), genfixture.Policy("x"))
	if fmt.Sprint(a.Artifacts) != fmt.Sprint(b.Artifacts) {
		t.Fatalf("artifacts differ between runs:\n%v\n%v", a.Artifacts, b.Artifacts)
	}
}

func TestEveryBuiltin(t *testing.T) {
	genfixture.EachBuiltin(t, func(t *testing.T, p *policy.Policy, plan settings.Plan) {
		verifyBundle(t, genfixture.Generate(t, Generator{}, plan, p))
	})
}

func TestHostileNames(t *testing.T) {
	for _, product := range []string{genfixture.Hostile, "", "]]>", `..\..\x`, "\n\n"} {
		t.Run(fmt.Sprintf("%q", product), func(t *testing.T) {
			pol := genfixture.Policy(product)
			plan := genfixture.Plan()
			plan.Policy = `..\..\evil "policy" $(x).yml`
			b := genfixture.Generate(t, Generator{}, plan, pol)
			verifyBundle(t, b)
			for _, a := range b.Artifacts {
				if !regexp.MustCompile(`^admx/PolicyDefinitions/(en-US/)?tlsgate-[A-Za-z0-9_-]+\.adm[xl]$`).MatchString(a.Path) {
					t.Errorf("artifact path %q", a.Path)
				}
			}
			admx, adml := read(t, b)
			if !strings.HasPrefix(adml.DisplayName, cleanText(product)) || strings.ContainsAny(adml.DisplayName, "\r\n") {
				t.Errorf("ADML displayName %q", adml.DisplayName)
			}
			if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$`).MatchString(admx.Namespaces.Target.Namespace) {
				t.Errorf("namespace %q", admx.Namespaces.Target.Namespace)
			}
		})
	}
}

func TestFileToken(t *testing.T) {
	tests := map[string]string{
		"tls12": "tls12",
		"win10": "win10",
	}
	for in, want := range tests {
		if got := fileToken(in); got != want {
			t.Errorf("fileToken(%q) = %q, want %q", in, got, want)
		}
	}
	a, b := fileToken("a/b.yml"), fileToken("a_b.yml")
	if a == b || !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(a) {
		t.Errorf("fileToken does not keep altered names apart: %q %q", a, b)
	}
	if got := fileToken("..."); !regexp.MustCompile(`^[0-9a-f]{8}$`).MatchString(got) {
		t.Errorf("fileToken(...) = %q", got)
	}
	if got := nsToken("123"); got != "P123" {
		t.Errorf("nsToken(123) = %q", got)
	}
}

func TestBuildRejects(t *testing.T) {
	base := settings.Setting{Hive: "HKLM", Key: `SOFTWARE\X`, View: settings.View64, Name: "V", Type: "REG_DWORD", Value: 1}
	mk := func(f func(s *settings.Setting) []settings.Setting) settings.Plan {
		s := base
		return settings.Plan{OS: "win10", Settings: f(&s)}
	}
	tests := []struct {
		name string
		plan settings.Plan
		want string
	}{
		{"HKCU", mk(func(s *settings.Setting) []settings.Setting { s.Hive = "HKCU"; return []settings.Setting{*s} }), "hive"},
		{"REG_SZ", mk(func(s *settings.Setting) []settings.Setting { s.Type = "REG_SZ"; return []settings.Setting{*s} }), "type"},
		{"duplicate", mk(func(s *settings.Setting) []settings.Setting { return []settings.Setting{*s, *s} }), "twice"},
		{"views disagree", mk(func(s *settings.Setting) []settings.Setting {
			d := *s
			d.View, d.Value = settings.View32, 2
			return []settings.Setting{*s, d}
		}), "one view"},
		{"unknown OS", settings.Plan{OS: "win95", Settings: []settings.Setting{base}}, "OS family"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.plan, "p", "c")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// Reading structs for the structural checks.
type rValue struct {
	Delete  *struct{} `xml:"delete"`
	Decimal *struct {
		Value string `xml:"value,attr"`
	} `xml:"decimal"`
	Other []struct{ XMLName xml.Name } `xml:",any"`
}

type rListItem struct {
	Key       string `xml:"key,attr"`
	ValueName string `xml:"valueName,attr"`
	Value     rValue `xml:"value"`
}

type rPolicy struct {
	Name           string      `xml:"name,attr"`
	Class          string      `xml:"class,attr"`
	DisplayName    string      `xml:"displayName,attr"`
	ExplainText    string      `xml:"explainText,attr"`
	Presentation   string      `xml:"presentation,attr"`
	Key            string      `xml:"key,attr"`
	ValueName      string      `xml:"valueName,attr"`
	ParentCategory rRef        `xml:"parentCategory"`
	SupportedOn    rRef        `xml:"supportedOn"`
	EnabledValue   *rValue     `xml:"enabledValue"`
	DisabledValue  *rValue     `xml:"disabledValue"`
	EnabledList    []rListItem `xml:"enabledList>item"`
	DisabledList   []rListItem `xml:"disabledList>item"`
	Elements       *struct {
		Decimals []struct {
			ID        string `xml:"id,attr"`
			ValueName string `xml:"valueName,attr"`
			Key       string `xml:"key,attr"`
			MinValue  string `xml:"minValue,attr"`
			MaxValue  string `xml:"maxValue,attr"`
		} `xml:"decimal"`
		Enums []struct {
			ID        string `xml:"id,attr"`
			ValueName string `xml:"valueName,attr"`
			Key       string `xml:"key,attr"`
			Items     []struct {
				DisplayName string      `xml:"displayName,attr"`
				Value       rValue      `xml:"value"`
				ValueList   []rListItem `xml:"valueList>item"`
			} `xml:"item"`
		} `xml:"enum"`
		Other []struct{ XMLName xml.Name } `xml:",any"`
	} `xml:"elements"`
}

// rOrder reads only the child element names of each policy, for the
// schema-order check (",any" sees every child only when no named field
// claims it).
type rOrder struct {
	Policies []struct {
		Name     string                       `xml:"name,attr"`
		Children []struct{ XMLName xml.Name } `xml:",any"`
	} `xml:"policies>policy"`
}

type rRef struct {
	Ref string `xml:"ref,attr"`
}

type rADMX struct {
	XMLName       xml.Name `xml:"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions policyDefinitions"`
	Revision      string   `xml:"revision,attr"`
	SchemaVersion string   `xml:"schemaVersion,attr"`
	Namespaces    struct {
		Target struct {
			Prefix    string `xml:"prefix,attr"`
			Namespace string `xml:"namespace,attr"`
		} `xml:"target"`
		Using []struct {
			Prefix string `xml:"prefix,attr"`
		} `xml:"using"`
	} `xml:"policyNamespaces"`
	Resources struct {
		MinRequiredRevision string `xml:"minRequiredRevision,attr"`
	} `xml:"resources"`
	Definitions []struct {
		Name        string `xml:"name,attr"`
		DisplayName string `xml:"displayName,attr"`
	} `xml:"supportedOn>definitions>definition"`
	Categories []struct {
		Name           string `xml:"name,attr"`
		DisplayName    string `xml:"displayName,attr"`
		ParentCategory *rRef  `xml:"parentCategory"`
	} `xml:"categories>category"`
	Policies []rPolicy `xml:"policies>policy"`
}

type rADML struct {
	XMLName       xml.Name `xml:"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions policyDefinitionResources"`
	Revision      string   `xml:"revision,attr"`
	SchemaVersion string   `xml:"schemaVersion,attr"`
	DisplayName   string   `xml:"displayName"`
	Description   string   `xml:"description"`
	Strings       []struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"resources>stringTable>string"`
	Presentations []struct {
		ID       string `xml:"id,attr"`
		Controls []struct {
			XMLName      xml.Name
			RefID        string `xml:"refId,attr"`
			DefaultItem  string `xml:"defaultItem,attr"`
			DefaultValue string `xml:"defaultValue,attr"`
		} `xml:",any"`
	} `xml:"resources>presentationTable>presentation"`
}

func read(t *testing.T, b *pkggen.Bundle) (rADMX, rADML) {
	x, l, _ := readRaw(t, b)
	return x, l
}

func readRaw(t *testing.T, b *pkggen.Bundle) (rADMX, rADML, rOrder) {
	t.Helper()
	var admxPath, admlPath string
	for _, a := range b.Artifacts {
		switch a.Kind {
		case KindADMX:
			admxPath = a.Path
		case KindADML:
			admlPath = a.Path
		}
	}
	if admxPath == "" || admlPath == "" {
		t.Fatalf("artifacts %v lack an ADMX or ADML", b.Artifacts)
	}
	if filepath.Base(admxPath[:len(admxPath)-5]) != filepath.Base(admlPath[:len(admlPath)-5]) || !strings.HasSuffix(filepath.Dir(admlPath), "/"+Language) {
		t.Fatalf("ADMX %s and ADML %s do not pair", admxPath, admlPath)
	}
	var x rADMX
	var l rADML
	var order rOrder
	for _, f := range []struct {
		path string
		v    any
	}{{admxPath, &x}, {admlPath, &l}} {
		data, err := os.ReadFile(filepath.Join(b.Dir, filepath.FromSlash(f.path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="utf-8"?>`+"\r\n")) {
			t.Fatalf("%s: no XML declaration", f.path)
		}
		if bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
			t.Fatalf("%s: bare LF", f.path)
		}
		// Well-formed: a token-level pass over the whole document.
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := d.Token(); err != nil {
				if err.Error() == "EOF" {
					break
				}
				t.Fatalf("%s is not well-formed: %v", f.path, err)
			}
		}
		if err := xml.Unmarshal(data, f.v); err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		if f.path == admxPath {
			if err := xml.Unmarshal(data, &order); err != nil {
				t.Fatal(err)
			}
		}
	}
	return x, l, order
}

var refRE = regexp.MustCompile(`^\$\((string|presentation)\.([A-Za-z0-9_.-]+)\)$`)

// verifyBundle checks the ADMX/ADML pair of b structurally and against
// b.Plan: enabling every policy with its default choice writes exactly the
// settings list, and disabling it deletes exactly those values.
func verifyBundle(t *testing.T, b *pkggen.Bundle) {
	t.Helper()
	x, l, childOrder := readRaw(t, b)
	if len(childOrder.Policies) != len(x.Policies) {
		t.Fatalf("%d policies, %d in the order pass", len(x.Policies), len(childOrder.Policies))
	}
	if x.Revision != "1.0" || x.SchemaVersion != "1.0" || l.Revision != "1.0" || l.SchemaVersion != "1.0" || x.Resources.MinRequiredRevision != "1.0" {
		t.Errorf("revision/schemaVersion: admx %q/%q adml %q/%q min %q", x.Revision, x.SchemaVersion, l.Revision, l.SchemaVersion, x.Resources.MinRequiredRevision)
	}
	if x.Namespaces.Target.Prefix == "" || x.Namespaces.Target.Namespace == "" || len(x.Namespaces.Using) != 0 {
		t.Errorf("policyNamespaces %+v", x.Namespaces)
	}
	strs := map[string]string{}
	for _, s := range l.Strings {
		if _, dup := strs[s.ID]; dup {
			t.Errorf("ADML string %s twice", s.ID)
		}
		if strings.TrimSpace(s.Text) == "" {
			t.Errorf("ADML string %s is empty", s.ID)
		}
		strs[s.ID] = s.Text
	}
	pres := map[string][]string{} // presentation id → refIds
	for _, p := range l.Presentations {
		if _, dup := pres[p.ID]; dup {
			t.Errorf("presentation %s twice", p.ID)
		}
		pres[p.ID] = nil
		for _, c := range p.Controls {
			pres[p.ID] = append(pres[p.ID], c.RefID)
		}
	}
	usedStr := map[string]bool{}
	usedPres := map[string]bool{}
	ref := func(where, s, kind string) string {
		m := refRE.FindStringSubmatch(s)
		if m == nil || m[1] != kind {
			t.Errorf("%s: %q is not a $(%s.X) reference", where, s, kind)
			return ""
		}
		if kind == "string" {
			if _, ok := strs[m[2]]; !ok {
				t.Errorf("%s: string %s missing from the ADML", where, m[2])
			}
			usedStr[m[2]] = true
		} else {
			if _, ok := pres[m[2]]; !ok {
				t.Errorf("%s: presentation %s missing from the ADML", where, m[2])
			}
			usedPres[m[2]] = true
		}
		return m[2]
	}
	sup := map[string]bool{}
	for _, d := range x.Definitions {
		sup[d.Name] = true
		ref("supportedOn "+d.Name, d.DisplayName, "string")
	}
	cats := map[string]bool{}
	for _, c := range x.Categories {
		if cats[c.Name] {
			t.Errorf("category %s twice", c.Name)
		}
		cats[c.Name] = true
		ref("category "+c.Name, c.DisplayName, "string")
	}
	for _, c := range x.Categories {
		if c.ParentCategory != nil && !cats[c.ParentCategory.Ref] {
			t.Errorf("category %s: parent %s does not resolve", c.Name, c.ParentCategory.Ref)
		}
	}
	usedSup := map[string]bool{}
	type write struct{ key, name string }
	enabled := map[write]uint32{}
	deleted := map[write]bool{}
	names := map[string]bool{}
	dec := func(where string, v *rValue) (uint32, bool) {
		if v == nil || len(v.Other) != 0 {
			t.Errorf("%s: value missing or of an unexpected type", where)
			return 0, false
		}
		if v.Delete != nil {
			return 0, false
		}
		if v.Decimal == nil {
			t.Errorf("%s: neither decimal nor delete", where)
			return 0, false
		}
		var n uint64
		if _, err := fmt.Sscanf(v.Decimal.Value, "%d", &n); err != nil || n > 0xFFFFFFFF || fmt.Sprint(n) != v.Decimal.Value {
			t.Errorf("%s: decimal %q is not a DWORD", where, v.Decimal.Value)
		}
		return uint32(n), true
	}
	setEnabled := func(where string, w write, v uint32) {
		w = write{strings.ToLower(w.key), strings.ToLower(w.name)}
		if _, dup := enabled[w]; dup {
			t.Errorf("%s: %v written twice", where, w)
		}
		enabled[w] = v
	}
	setDeleted := func(where string, w write, v *rValue) {
		if v == nil || v.Delete == nil {
			t.Errorf("%s: disabled state does not delete %v", where, w)
		}
		deleted[write{strings.ToLower(w.key), strings.ToLower(w.name)}] = true
	}
	// Schema order of the policy's children.
	order := []string{"parentCategory", "supportedOn", "enabledValue", "disabledValue", "enabledList", "disabledList", "elements"}
	for pi, p := range x.Policies {
		where := "policy " + p.Name
		if names[p.Name] {
			t.Errorf("%s twice", where)
		}
		names[p.Name] = true
		if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(p.Name) {
			t.Errorf("%s: name is not an identifier", where)
		}
		if p.Class != "Machine" || p.Key == "" {
			t.Errorf("%s: class %q key %q", where, p.Class, p.Key)
		}
		ref(where, p.DisplayName, "string")
		ref(where, p.ExplainText, "string")
		if !cats[p.ParentCategory.Ref] {
			t.Errorf("%s: category %q does not resolve", where, p.ParentCategory.Ref)
		}
		if !sup[p.SupportedOn.Ref] {
			t.Errorf("%s: supportedOn %q does not resolve", where, p.SupportedOn.Ref)
		}
		usedSup[p.SupportedOn.Ref] = true
		last := -1
		if len(childOrder.Policies[pi].Children) < 2 {
			t.Errorf("%s: %d children", where, len(childOrder.Policies[pi].Children))
		}
		for _, c := range childOrder.Policies[pi].Children {
			i := indexOf(order, c.XMLName.Local)
			if i < 0 || i <= last {
				t.Errorf("%s: child <%s> unknown or out of schema order", where, c.XMLName.Local)
			}
			last = i
		}
		if p.EnabledValue != nil {
			if p.ValueName == "" {
				t.Errorf("%s: enabledValue without valueName", where)
			}
			if v, ok := dec(where, p.EnabledValue); ok {
				setEnabled(where, write{p.Key, p.ValueName}, v)
			}
			setDeleted(where, write{p.Key, p.ValueName}, p.DisabledValue)
		} else if p.ValueName != "" {
			t.Errorf("%s: valueName %q without enabledValue would write 1", where, p.ValueName)
		}
		for _, it := range p.EnabledList {
			if v, ok := dec(where, &it.Value); ok {
				setEnabled(where, write{it.Key, it.ValueName}, v)
			}
		}
		for _, it := range p.DisabledList {
			v := it.Value
			setDeleted(where, write{it.Key, it.ValueName}, &v)
		}
		if p.Elements == nil {
			if p.Presentation != "" {
				t.Errorf("%s: presentation without elements", where)
			}
			continue
		}
		if len(p.Elements.Other) != 0 {
			t.Errorf("%s: unexpected element types", where)
		}
		pid := ref(where, p.Presentation, "presentation")
		var ids []string
		presIdx := map[string]int{}
		for i, l := range l.Presentations {
			presIdx[l.ID] = i
		}
		for _, d := range p.Elements.Decimals {
			ids = append(ids, d.ID)
			k := p.Key
			if d.Key != "" {
				k = d.Key
			}
			if d.MaxValue == "" || d.MinValue == "" {
				t.Errorf("%s: decimal without explicit minValue/maxValue (maxValue defaults to 9999)", where)
			}
			var lo, hi, def uint64
			fmt.Sscanf(d.MinValue, "%d", &lo)
			fmt.Sscanf(d.MaxValue, "%d", &hi)
			ctl := l.Presentations[presIdx[pid]].Controls[0]
			if ctl.XMLName.Local != "decimalTextBox" {
				t.Errorf("%s: decimal shown as %s", where, ctl.XMLName.Local)
			}
			fmt.Sscanf(ctl.DefaultValue, "%d", &def)
			if def < lo || def > hi {
				t.Errorf("%s: default %d outside %d..%d", where, def, lo, hi)
			}
			setEnabled(where, write{k, d.ValueName}, uint32(def))
		}
		for _, e := range p.Elements.Enums {
			ids = append(ids, e.ID)
			k := p.Key
			if e.Key != "" {
				k = e.Key
			}
			ctl := l.Presentations[presIdx[pid]].Controls[0]
			var def int
			if _, err := fmt.Sscanf(ctl.DefaultItem, "%d", &def); err != nil || ctl.XMLName.Local != "dropdownList" || def < 0 || def >= len(e.Items) {
				t.Errorf("%s: drop-down %s default item %q of %d", where, ctl.XMLName.Local, ctl.DefaultItem, len(e.Items))
				continue
			}
			for i, it := range e.Items {
				ref(fmt.Sprintf("%s item %d", where, i), it.DisplayName, "string")
				v, ok := dec(where, &it.Value)
				for _, vl := range it.ValueList {
					vv, ok2 := dec(where, &vl.Value)
					if i == def && ok2 {
						setEnabled(where, write{vl.Key, vl.ValueName}, vv)
					}
				}
				if i == def && ok {
					setEnabled(where, write{k, e.ValueName}, v)
				}
			}
		}
		sort.Strings(ids)
		refs := append([]string(nil), pres[pid]...)
		sort.Strings(refs)
		if strings.Join(ids, ",") != strings.Join(refs, ",") {
			t.Errorf("%s: element ids %v, presentation refIds %v", where, ids, refs)
		}
	}
	for id := range strs {
		if !usedStr[id] {
			t.Errorf("ADML string %s is not used by the ADMX", id)
		}
	}
	for id := range pres {
		if !usedPres[id] {
			t.Errorf("ADML presentation %s is not used by the ADMX", id)
		}
	}
	for d := range sup {
		if !usedSup[d] {
			t.Errorf("supportedOn %s is defined but unused", d)
		}
	}
	// Against the settings list, both ways.
	want := map[write]uint32{}
	for _, s := range b.Plan.Settings {
		want[write{strings.ToLower(strings.TrimPrefix(s.FullKey(), s.Hive+`\`)), strings.ToLower(s.Name)}] = s.Value
	}
	for w, v := range want {
		g, ok := enabled[w]
		switch {
		case !ok:
			t.Errorf("setting %v has no policy", w)
		case g != v:
			t.Errorf("setting %v: policy default writes %d, plan %d", w, g, v)
		}
		if !deleted[w] {
			t.Errorf("setting %v: Disabled does not delete it", w)
		}
	}
	for w := range enabled {
		if _, ok := want[w]; !ok {
			t.Errorf("policy writes %v, which is not in the settings list", w)
		}
	}
	for w := range deleted {
		if _, ok := want[w]; !ok {
			t.Errorf("policy deletes %v, which is not in the settings list", w)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// FuzzNames: any product, company and policy name yields a well-formed
// ADMX/ADML pair with safe file names and a valid namespace.
func FuzzNames(f *testing.F) {
	f.Add(genfixture.Hostile, "Acme & Co", "tls12")
	f.Add("]]>\x00\uFFFE", "\n", `..\..\x y.yml`)
	f.Fuzz(func(t *testing.T, product, company, pol string) {
		plan := genfixture.Plan()
		plan.Policy = pol
		tm, err := Build(plan, product, company)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^tlsgate-[A-Za-z0-9_-]+$`).MatchString(tm.Base) {
			t.Fatalf("file base %q", tm.Base)
		}
		if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$`).MatchString(tm.Namespace) {
			t.Fatalf("namespace %q", tm.Namespace)
		}
		admxData, admlData, err := Render(tm)
		if err != nil {
			t.Fatal(err)
		}
		var x rADMX
		var l rADML
		if err := xml.Unmarshal(admxData, &x); err != nil {
			t.Fatalf("ADMX: %v", err)
		}
		if err := xml.Unmarshal(admlData, &l); err != nil {
			t.Fatalf("ADML: %v", err)
		}
		if l.DisplayName != tm.Display || l.Description != tm.Desc {
			t.Fatalf("ADML display %q / %q, want %q / %q", l.DisplayName, l.Description, tm.Display, tm.Desc)
		}
	})
}

func BenchmarkGenerate(b *testing.B) {
	p, _ := policy.Builtin("tls12")
	plan, err := settings.Build(p, "win7")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		bd := &pkggen.Bundle{Dir: dir, Policy: p, Plan: plan, Time: genfixture.Time}
		if err := (Generator{}).Generate(b.Context(), bd); err != nil {
			b.Fatal(err)
		}
	}
}
