package project

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// Limits that keep hostile XML bounded: elements deeper than maxDepth are
// skipped (their start tags still parsed, nothing kept), and a document with
// more than maxNodes elements keeps only the first maxNodes.
const (
	maxDepth = 128
	maxNodes = 200000
)

// node is one XML element with the position of its start tag and of each
// attribute in its file. A transformed config mixes nodes of two files, so
// every node carries its own file.
type node struct {
	File     *source.File
	Name     string // local name
	Space    string // namespace URL or prefix
	Attrs    []attr
	Children []*node
	Parent   *node
	Text     string // character data directly inside (trimmed, capped)
	Start    int    // byte offset of '<'
	End      int    // byte offset after the start tag's '>'
}

type attr struct {
	File  *source.File
	Name  string // local name
	Space string
	Value string
	Start int // byte offset of the attribute name
	End   int // byte offset after the closing quote
}

// xmlDoc is a parsed document.
type xmlDoc struct {
	File *source.File
	Root *node
	Err  error // first syntax error; the tree holds what came before
	Line int   // line of the error
}

// parseXML reads f.Text leniently. Comments, processing instructions and
// DOCTYPEs are dropped, so commented-out elements (the Visual Studio
// template's sample <httpRuntime targetFramework=…>) never count.
func parseXML(f *source.File) *xmlDoc {
	doc := &xmlDoc{File: f}
	d := xml.NewDecoder(strings.NewReader(f.Text))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	// The text is already decoded to UTF-8, whatever the declaration says.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []*node
	depth := 0
	count := 0
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if err != nil {
			if err != io.EOF {
				doc.Err = err
				doc.Line, _ = f.Position(off) // where the broken construct starts
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			end := int(d.InputOffset())
			if depth > maxDepth || count >= maxNodes || depth != len(stack)+1 {
				// Count the depth but keep nothing.
				continue
			}
			count++
			n := &node{File: f, Name: t.Name.Local, Space: t.Name.Space, Start: off, End: end}
			n.Attrs = locateAttrs(f, off, end, t.Attr)
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				n.Parent = p
				p.Children = append(p.Children, n)
			} else if doc.Root == nil {
				doc.Root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if depth == 0 {
				continue // stray end tag
			}
			if depth > len(stack) {
				depth--
				continue
			}
			depth--
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && depth == len(stack) {
				n := stack[len(stack)-1]
				if len(n.Text) < 4096 {
					s := strings.TrimSpace(string(t))
					if s != "" {
						n.Text += s
					}
				}
			}
		}
	}
	return doc
}

// locateAttrs finds each attribute's offsets inside the start tag text.
func locateAttrs(f *source.File, start, end int, as []xml.Attr) []attr {
	text := f.Text
	if end > len(text) {
		end = len(text)
	}
	if start > end {
		start = end
	}
	tag := text[start:end]
	out := make([]attr, 0, len(as))
	from := 0
	for _, a := range as {
		name := a.Name.Local
		if a.Name.Space != "" {
			name = a.Name.Space + ":" + a.Name.Local
		}
		rel := findAttr(tag, name, from)
		if rel < 0 && a.Name.Space != "" {
			rel = findAttr(tag, a.Name.Local, from)
		}
		s, e := start, end
		if rel >= 0 {
			s = start + rel
			e = s + attrEnd(tag[rel:])
			from = rel + 1
		}
		out = append(out, attr{File: f, Name: a.Name.Local, Space: a.Name.Space, Value: a.Value, Start: s, End: e})
	}
	return out
}

func findAttr(tag, name string, from int) int {
	for i := from; i < len(tag); {
		j := strings.Index(tag[i:], name)
		if j < 0 {
			return -1
		}
		k := i + j
		before := byte(' ')
		if k > 0 {
			before = tag[k-1]
		}
		rest := strings.TrimLeft(tag[k+len(name):], " \t\r\n")
		if isSpace(before) && strings.HasPrefix(rest, "=") {
			return k
		}
		i = k + 1
	}
	return -1
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// attrEnd returns the length of `name = "value"` at the start of s.
func attrEnd(s string) int {
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return len(s)
	}
	i := eq + 1
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		if k := strings.IndexByte(s[i+1:], s[i]); k >= 0 {
			return i + 1 + k + 1
		}
	}
	return len(s)
}

// attr returns the attribute with the local name (case-insensitive).
func (n *node) attr(name string) (attr, bool) {
	if n == nil {
		return attr{}, false
	}
	for _, a := range n.Attrs {
		if strings.EqualFold(a.Name, name) && !isXdt(a.Space) {
			return a, true
		}
	}
	return attr{}, false
}

func (n *node) attrValue(name string) string {
	a, _ := n.attr(name)
	return a.Value
}

// xdt returns the value of xdt:Transform / xdt:Locator.
func (n *node) xdt(name string) string {
	for _, a := range n.Attrs {
		if isXdt(a.Space) && strings.EqualFold(a.Name, name) {
			return a.Value
		}
	}
	return ""
}

func isXdt(space string) bool {
	return space == "xdt" || strings.Contains(strings.ToLower(space), "xml-document-transform")
}

// child returns the first child element with the local name (case-insensitive).
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// path follows child names.
func (n *node) path(names ...string) *node {
	for _, s := range names {
		n = n.child(s)
		if n == nil {
			return nil
		}
	}
	return n
}

// children returns the child elements with the local name.
func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.Children {
		if strings.EqualFold(c.Name, name) {
			out = append(out, c)
		}
	}
	return out
}

// walk visits n and its descendants in document order.
func (n *node) walk(fn func(*node)) {
	if n == nil {
		return
	}
	stack := []*node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		fn(c)
		for i := len(c.Children) - 1; i >= 0; i-- {
			stack = append(stack, c.Children[i])
		}
	}
}

// loc is the location of the start tag.
func (n *node) loc() finding.Location { return n.File.Range(n.Start, n.End) }

func (n *node) snippet() string { return n.File.Snippet(n.Start, n.End) }

// loc is the attribute's location in its own file (a transform may have set it).
func (a attr) loc(_ *source.File) finding.Location { return a.File.Range(a.Start, a.End) }

// hasXMLShape cheaply rejects files that are not XML at all.
func hasXMLShape(text string) bool {
	return bytes.IndexByte([]byte(text[:min(len(text), 4096)]), '<') >= 0
}
