package policy

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tlsgate/tlsgate/gate/probe"
)

// FileName is the policy file read at the scanned root when --policy is not given.
const FileName = ".tlsgate.yml"

// Error is a problem in a policy file, located at file:line:column.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Resolve returns the policy for a --policy value: a built-in name (which
// wins over a file of the same name) or a file path. An empty value reads
// FileName under root when it exists, else the default built-in.
func Resolve(value, root string) (*Policy, error) {
	if value == "" {
		if root != "" {
			path := filepath.Join(root, FileName)
			if st, err := os.Stat(root); err == nil && !st.IsDir() {
				path = filepath.Join(filepath.Dir(root), FileName)
			}
			if _, err := os.Stat(path); err == nil {
				return LoadFile(path)
			}
		}
		p, _ := Builtin(Default)
		return p, nil
	}
	if p, ok := Builtin(value); ok {
		return p, nil
	}
	if _, err := os.Stat(value); err != nil {
		return nil, fmt.Errorf("policy %q is neither a built-in (%s) nor a readable file: %w", value, strings.Join(Names(), ", "), err)
	}
	return LoadFile(value)
}

// LoadFile reads and validates a policy file.
func LoadFile(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	return Parse(path, data)
}

// Parse validates and resolves policy file contents. name is used in errors.
func Parse(name string, data []byte) (*Policy, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: name, Msg: "empty policy file"}
		}
		return nil, yamlError(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty policy file"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Column: root.Column, Msg: "a policy file is a mapping of keys (extends, min_version, …)"}
	}
	if err := checkKeys(name, root, reflect.TypeOf(Policy{})); err != nil {
		return nil, err
	}
	base := Default
	if n := lookup(root, "extends"); n != nil {
		base = n.Value
		if !IsBuiltin(base) {
			return nil, &Error{File: name, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("extends: unknown built-in policy %q (want one of %s)", base, strings.Join(Names(), ", "))}
		}
	}
	p, _ := Builtin(base)
	if err := root.Decode(p); err != nil {
		return nil, yamlError(name, err)
	}
	p.Name = name
	p.Extends = base
	// A file that changes the client OS without naming it gets the
	// family's name, not the base's "Windows Server 2019".
	if c := lookup(root, "client"); c != nil && c.Kind == yaml.MappingNode && lookup(c, "os") != nil && lookup(c, "os_name") == nil {
		p.Client.OSName = OSFamilyName(p.Client.OS)
	}
	// strict sets fail-on warning unless the file says otherwise.
	if err := p.validate(name, root); err != nil {
		return nil, err
	}
	return p, nil
}

func yamlError(name string, err error) error {
	// yaml.v3 errors read "yaml: line 3: …" or, for type errors,
	// "yaml: unmarshal errors:\n  line 3: …".
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimSpace(msg)
	var line int
	if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
		rest := msg[strings.Index(msg, ":")+1:]
		return &Error{File: name, Line: line, Column: 1, Msg: strings.TrimSpace(rest)}
	}
	return &Error{File: name, Msg: msg}
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// checkKeys walks the YAML tree against the struct's yaml tags and rejects
// unknown keys, values of the wrong shape and values that do not parse
// (protocols, levels, booleans, numbers) with their position. where is the
// dotted key path used in messages ("client.os").
func checkKeys(name string, n *yaml.Node, t reflect.Type, where ...string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	path := strings.Join(where, ".")
	prefix := ""
	if path != "" {
		prefix = path + ": "
	}
	bad := func(msg string) error {
		return &Error{File: name, Line: n.Line, Column: n.Column, Msg: prefix + msg}
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return checkKeys(name, n.Alias, t, where...)
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		switch t.Kind() {
		case reflect.Struct:
			fields := map[string]reflect.Type{}
			var known []string
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
				if tag == "" || tag == "-" {
					continue
				}
				fields[tag] = f.Type
				known = append(known, tag)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				ft, ok := fields[k.Value]
				if !ok {
					return &Error{File: name, Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("unknown key %q%s (known: %s)", k.Value, in(path), strings.Join(known, ", "))}
				}
				if err := checkKeys(name, n.Content[i+1], ft, append(append([]string{}, where...), k.Value)...); err != nil {
					return err
				}
			}
		case reflect.Map:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := checkKeys(name, n.Content[i+1], t.Elem(), append(append([]string{}, where...), n.Content[i].Value)...); err != nil {
					return err
				}
			}
		default:
			return bad(fmt.Sprintf("expected a %s, found a mapping", kindName(t)))
		}
	case yaml.SequenceNode:
		if t.Kind() != reflect.Slice {
			return bad(fmt.Sprintf("expected a %s, found a list", kindName(t)))
		}
		for _, c := range n.Content {
			if err := checkKeys(name, c, t.Elem(), where...); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if reflect.PointerTo(t).Implements(textUnmarshaler) {
			v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
			if err := v.UnmarshalText([]byte(n.Value)); err != nil {
				return bad(err.Error())
			}
			return nil
		}
		switch t.Kind() {
		case reflect.Struct, reflect.Map, reflect.Slice:
			return bad(fmt.Sprintf("expected a %s, found a scalar", kindName(t)))
		case reflect.Bool:
			var b bool
			if err := n.Decode(&b); err != nil {
				return bad(fmt.Sprintf("expected a boolean (true or false), found %q", n.Value))
			}
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint32, reflect.Uint64:
			var i int64
			if err := n.Decode(&i); err != nil {
				return bad(fmt.Sprintf("expected a number, found %q", n.Value))
			}
		}
	}
	return nil
}

func in(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}

var textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "mapping"
	case reflect.Slice:
		return "list"
	case reflect.Bool:
		return "boolean"
	case reflect.Int:
		return "number"
	}
	return "scalar"
}

func (p *Policy) validate(name string, root *yaml.Node) error {
	at := func(path ...string) (int, int) {
		n := root
		for _, k := range path {
			if n == nil || n.Kind != yaml.MappingNode {
				return 0, 0
			}
			n = lookup(n, k)
		}
		if n == nil {
			return 0, 0
		}
		return n.Line, n.Column
	}
	bad := func(msg string, path ...string) error {
		l, c := at(path...)
		return &Error{File: name, Line: l, Column: c, Msg: msg}
	}
	for _, c := range p.ForbiddenCiphers {
		if !contains(CipherClasses(), c) {
			return bad(fmt.Sprintf("forbidden_ciphers: unknown class %q (want %s)", c, strings.Join(CipherClasses(), ", ")), "forbidden_ciphers")
		}
	}
	if !contains(OSFamilies(), p.Client.OS) {
		return bad(fmt.Sprintf("client.os: unknown OS family %q (want %s)", p.Client.OS, strings.Join(OSFamilies(), ", ")), "client", "os")
	}
	if p.Client.DotNet != "" && !contains([]string{"4.5.2", "4.6", "4.6.1", "4.6.2", "4.7", "4.7.1", "4.7.2", "4.8", "4.8.1"}, p.Client.DotNet) {
		return bad(fmt.Sprintf("client.dotnet: unsupported .NET Framework runtime %q (want 4.5.2 … 4.8.1)", p.Client.DotNet), "client", "dotnet")
	}
	// badItem reports the i-th element of the list at path.
	badItem := func(i int, msg string, path ...string) error {
		l, c := at(path...)
		n := root
		for _, k := range path {
			if n != nil && n.Kind == yaml.MappingNode {
				n = lookup(n, k)
			}
		}
		if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
			l, c = n.Content[i].Line, n.Content[i].Column
		}
		return &Error{File: name, Line: l, Column: c, Msg: msg}
	}
	for i, c := range p.Package.DisableCiphers {
		if !containsFold(CipherFamilies(), c) {
			return badItem(i, fmt.Sprintf("package.disable_ciphers: unknown cipher family %q (want %s)", c, strings.Join(CipherFamilies(), ", ")), "package", "disable_ciphers")
		}
	}
	for i, h := range p.Package.DisableHashes {
		if !containsFold(HashAlgorithms(), h) {
			return badItem(i, fmt.Sprintf("package.disable_hashes: %q cannot be turned off (want %s; disabling the SHA family breaks TLS peers and certificate chains)", h, strings.Join(HashAlgorithms(), ", ")), "package", "disable_hashes")
		}
	}
	if p.Package.EventLogging < 0 || p.Package.EventLogging > 7 {
		return bad(fmt.Sprintf("package.event_logging: %d is out of range (0 to 7: 1 errors, 2 warnings, 4 informational, summed)", p.Package.EventLogging), "package", "event_logging")
	}
	for _, o := range p.Package.OS {
		if !contains(OSFamilies(), o) {
			return bad(fmt.Sprintf("package.os: unknown OS family %q (want %s)", o, strings.Join(OSFamilies(), ", ")), "package", "os")
		}
	}
	if p.Certificate.MinDaysToExpiry < 0 || p.Certificate.MinRSABits < 0 || p.Certificate.MinECBits < 0 {
		return bad("certificate: values must not be negative", "certificate")
	}
	for i, e := range p.Endpoints {
		item := func(key string) (int, int) {
			seq := lookup(root, "endpoints")
			if seq == nil || seq.Kind != yaml.SequenceNode || i >= len(seq.Content) {
				return at("endpoints")
			}
			n := seq.Content[i]
			if v := lookup(n, key); v != nil {
				return v.Line, v.Column
			}
			return n.Line, n.Column
		}
		errAt := func(key, msg string) error {
			l, c := item(key)
			return &Error{File: name, Line: l, Column: c, Msg: msg}
		}
		if strings.TrimSpace(e.URL) == "" {
			return errAt("url", fmt.Sprintf("endpoints[%d]: url is required", i))
		}
		if _, err := probe.ParseTarget(e.URL); err != nil {
			return errAt("url", fmt.Sprintf("endpoints[%d]: url %q: %v", i, e.URL, err))
		}
		if !probe.ValidStartTLS(e.StartTLS) {
			return errAt("starttls", fmt.Sprintf("endpoints[%d]: starttls %q: want one of %s", i, e.StartTLS, strings.Join(probe.StartTLSProtocols, ", ")))
		}
	}
	for env, urls := range p.Environments {
		for _, u := range urls {
			if _, err := probe.ParseTarget(u); err != nil {
				return bad(fmt.Sprintf("environments.%s: %q: %v", env, u, err), "environments", env)
			}
		}
	}
	if sup := lookup(root, "suppressions"); sup != nil && sup.Kind == yaml.SequenceNode {
		for i, n := range sup.Content {
			if i < len(p.Suppressions) {
				p.Suppressions[i].Line, p.Suppressions[i].Column = n.Line, n.Column
			}
		}
	}
	for _, s := range p.Suppressions {
		e := func(msg string) error { return &Error{File: name, Line: s.Line, Column: s.Column, Msg: msg} }
		if s.Rule == "" {
			return e("suppression: rule is required")
		}
		if !validRuleID(s.Rule) {
			return e(fmt.Sprintf("suppression: %q is not a rule id (TLSnnn)", s.Rule))
		}
		if strings.TrimSpace(s.Reason) == "" {
			return e(fmt.Sprintf("suppression of %s: reason is required", s.Rule))
		}
		if s.Path == "" && s.Endpoint == "" {
			return e(fmt.Sprintf("suppression of %s: path or endpoint is required", s.Rule))
		}
		if s.Expires != "" {
			if _, err := time.Parse("2006-01-02", s.Expires); err != nil {
				return e(fmt.Sprintf("suppression of %s: expires %q is not a date (YYYY-MM-DD)", s.Rule, s.Expires))
			}
		}
	}
	return nil
}

func validRuleID(s string) bool {
	if len(s) != 6 || !strings.HasPrefix(s, "TLS") {
		return false
	}
	for _, c := range s[3:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
