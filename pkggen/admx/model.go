package admx

import (
	"fmt"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

// Kinds of policy, by how the value is chosen in the editor.
const (
	kindToggle  = "toggle"  // Enabled writes the plan's value(s); no options
	kindEnum    = "enum"    // a drop-down of fixed choices
	kindDecimal = "decimal" // a number box with minimum and maximum
)

// Value is one registry value a policy writes: in the 64-bit view (Key is
// the plain key) or the 32-bit view (Key spelled with Wow6432Node).
type Value struct {
	Key   string // without hive
	Name  string
	Value uint32 // the plan's value
}

// Choice is one drop-down item: the values written when it is chosen.
type Choice struct {
	Label  string
	Values []uint32 // one per Policy.ValueNames entry
}

// Policy is one ADMX policy in model form, before it becomes XML.
type Policy struct {
	Name     string // ADMX policy name (unique identifier)
	Family   string
	Category string // category name
	Display  string
	Explain  string
	Support  string // supportedOn definition name
	Class    string // Machine
	Kind     string
	// Key is the policy key (64-bit view, or the only view).
	Key string
	// ValueNames are the values the policy manages under Key.
	ValueNames []string
	// Twins are extra keys that receive the same values (the 32-bit view).
	Twins []string
	// Plan holds the plan's values, one per ValueNames entry.
	Plan []uint32
	// Choices for kindEnum; Default is the index of the plan's choice.
	Choices []Choice
	Default int
	// Min and Max bound kindDecimal.
	Min, Max uint32
	// Label is the presentation label of the option.
	Label string
	// Settings are the settings-list entries the policy covers.
	Settings []settings.Setting
}

// Values lists every (key, value name) the policy writes when enabled with
// its default choice, with the value written.
func (p Policy) Values() []Value {
	var out []Value
	for _, k := range append([]string{p.Key}, p.Twins...) {
		for i, n := range p.ValueNames {
			out = append(out, Value{Key: k, Name: n, Value: p.Plan[i]})
		}
	}
	return out
}

// group is the settings that one policy covers: the same key (ignoring the
// view) and, except for SChannel protocol keys, the same value name.
type group struct {
	family string
	key    string // settings.Setting.Key (no Wow6432Node)
	names  []string
	views  []settings.View
	values map[string]uint32 // per value name
	list   []settings.Setting
}

func regKey(s settings.Setting) string { return strings.TrimPrefix(s.FullKey(), s.Hive+`\`) }

// groups partitions the plan in order of first appearance.
func groups(p settings.Plan) ([]*group, error) {
	var out []*group
	index := map[string]*group{}
	seen := map[string]bool{}
	for i, s := range p.Settings {
		if !strings.EqualFold(s.Hive, "HKLM") {
			return nil, fmt.Errorf("admx: setting %d (%s\\%s): hive %q is not supported (only HKLM)", i, s.Key, s.Name, s.Hive)
		}
		if s.Type != "REG_DWORD" {
			return nil, fmt.Errorf("admx: setting %d (%s\\%s): type %q is not supported (only REG_DWORD)", i, s.Key, s.Name, s.Type)
		}
		if s.View != settings.View64 && s.View != settings.View32 {
			return nil, fmt.Errorf("admx: setting %d (%s\\%s): unknown view %q", i, s.Key, s.Name, s.View)
		}
		vid := strings.ToLower(regKey(s) + `\` + s.Name)
		if seen[vid] {
			return nil, fmt.Errorf("admx: setting %d: HKLM\\%s\\%s is listed twice", i, regKey(s), s.Name)
		}
		seen[vid] = true
		id := strings.ToLower(s.Family + "|" + s.Key)
		if s.Family != settings.FamilySChannelProto {
			id += "|" + strings.ToLower(s.Name)
		}
		g := index[id]
		if g == nil {
			g = &group{family: s.Family, key: s.Key, values: map[string]uint32{}}
			index[id] = g
			out = append(out, g)
		}
		if _, ok := g.values[s.Name]; !ok {
			g.names = append(g.names, s.Name)
		} else if g.values[s.Name] != s.Value {
			return nil, fmt.Errorf("admx: setting %d: %s\\%s has value %#x in one view and %#x in the other", i, s.Key, s.Name, g.values[s.Name], s.Value)
		}
		g.values[s.Name] = s.Value
		if !containsView(g.views, s.View) {
			g.views = append(g.views, s.View)
		}
		g.list = append(g.list, s)
	}
	// Every value of a group must exist in every view of the group, or
	// one policy cannot write it.
	for _, g := range out {
		if len(g.list) != len(g.names)*len(g.views) {
			return nil, fmt.Errorf("admx: %s: the values %s are not set in the same views", g.key, strings.Join(g.names, ", "))
		}
	}
	return out, nil
}

func containsView(vs []settings.View, v settings.View) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// keyFor returns the key as written for a view.
func keyFor(key string, v settings.View) string {
	return regKey(settings.Setting{Hive: "HKLM", Key: key, View: v})
}

// maskLabel spells a WinHTTP/WinINet protocol bitmask.
func maskLabel(v uint32) string {
	var names []string
	rest := v
	for _, p := range finding.Protocols {
		if b := settings.ProtocolBit(p); v&b != 0 {
			names = append(names, p.String())
			rest &^= b
		}
	}
	if rest != 0 {
		names = append(names, fmt.Sprintf("other bits 0x%X", rest))
	}
	if len(names) == 0 {
		names = []string{"no protocol"}
	}
	return fmt.Sprintf("%s (0x%X = %d)", strings.Join(names, " + "), v, v)
}

// maskChoices are the drop-down items for DefaultSecureProtocols and
// SecureProtocols: no SSL, nothing that pins a TLS 1.3 OS below TLS 1.3
// unless chosen explicitly (windows-tls-settings.md §2.4 common values).
func maskChoices(tls13 bool, plan uint32) ([]Choice, int) {
	vals := []uint32{0x800, 0xA00, 0xA80}
	if tls13 {
		vals = []uint32{0x2800, 0x2A00, 0x2A80, 0x800, 0xA00, 0xA80}
	}
	def := -1
	for i, v := range vals {
		if v == plan {
			def = i
		}
	}
	if def < 0 {
		vals = append([]uint32{plan}, vals...)
		def = 0
	}
	var out []Choice
	for _, v := range vals {
		out = append(out, Choice{Label: maskLabel(v), Values: []uint32{v}})
	}
	return out, def
}

// protocolChoices are the SChannel protocol states of §2.6, over the
// value names the plan sets for the key.
func protocolChoices(names []string, plan map[string]uint32) ([]Choice, int, bool) {
	if len(names) != 2 || names[0] != "Enabled" || names[1] != "DisabledByDefault" {
		return nil, 0, false
	}
	states := []Choice{
		{Label: "Off: Enabled=0, DisabledByDefault=1", Values: []uint32{0, 1}},
		{Label: "On: Enabled=1, DisabledByDefault=0", Values: []uint32{1, 0}},
		{Label: "Only when an application asks for it: Enabled=1, DisabledByDefault=1", Values: []uint32{1, 1}},
	}
	for i, c := range states {
		if c.Values[0] == plan["Enabled"] && c.Values[1] == plan["DisabledByDefault"] {
			return states, i, true
		}
	}
	custom := Choice{Label: fmt.Sprintf("As generated: Enabled=%d, DisabledByDefault=%d", plan["Enabled"], plan["DisabledByDefault"]),
		Values: []uint32{plan["Enabled"], plan["DisabledByDefault"]}}
	return append([]Choice{custom}, states...), 0, true
}
