package project

import (
	"regexp"
	"strings"
)

// applyTransform applies a Web.config transform (xdt:Transform with
// SetAttributes, RemoveAttributes, Replace, Insert, InsertIfMissing, Remove,
// RemoveAll; xdt:Locator Match(attr,…) and Condition-free paths) to a copy
// of base. Nodes keep their own files, so an attribute set by the transform
// is reported in the transform file.
func applyTransform(base, tr *node) *node {
	root := copyNode(base, nil, 0)
	if !strings.EqualFold(root.Name, tr.Name) {
		return root
	}
	transformChildren(root, tr, 0)
	return root
}

func copyNode(n, parent *node, depth int) *node {
	c := *n
	c.Parent = parent
	c.Attrs = append([]attr(nil), n.Attrs...)
	c.Children = nil
	if depth < maxDepth {
		for _, ch := range n.Children {
			c.Children = append(c.Children, copyNode(ch, &c, depth+1))
		}
	}
	return &c
}

var xdtArgs = regexp.MustCompile(`^\s*(\w+)\s*(?:\((.*)\))?\s*$`)

func xdtCall(s string) (string, []string) {
	m := xdtArgs.FindStringSubmatch(s)
	if m == nil {
		return "", nil
	}
	var args []string
	for _, a := range strings.Split(m[2], ",") {
		if a = strings.TrimSpace(a); a != "" {
			args = append(args, a)
		}
	}
	return strings.ToLower(m[1]), args
}

// matches returns the children of target that the transform element t
// addresses.
func matches(target, t *node) []*node {
	var out []*node
	loc, args := xdtCall(t.xdt("Locator"))
	for _, c := range target.children(t.Name) {
		if loc == "match" {
			ok := true
			for _, a := range args {
				if c.attrValue(a) != t.attrValue(a) {
					ok = false
				}
			}
			if !ok {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func transformChildren(target, tr *node, depth int) {
	if depth > maxDepth {
		return
	}
	for _, t := range tr.Children {
		op, args := xdtCall(t.xdt("Transform"))
		ms := matches(target, t)
		switch op {
		case "setattributes":
			for _, m := range ms {
				for _, a := range t.Attrs {
					if isXdt(a.Space) || (len(args) > 0 && !containsFold(args, a.Name)) {
						continue
					}
					setAttr(m, a)
				}
			}
		case "removeattributes":
			for _, m := range ms {
				var keep []attr
				for _, a := range m.Attrs {
					if !containsFold(args, a.Name) {
						keep = append(keep, a)
					}
				}
				m.Attrs = keep
			}
		case "replace":
			for _, m := range ms {
				repl := copyNode(t, target, depth)
				replaceChild(target, m, repl)
			}
		case "insert":
			target.Children = append(target.Children, copyNode(t, target, depth))
		case "insertifmissing":
			if len(ms) == 0 {
				target.Children = append(target.Children, copyNode(t, target, depth))
			}
		case "remove":
			if len(ms) > 0 {
				removeChild(target, ms[0])
			}
		case "removeall":
			for _, m := range ms {
				removeChild(target, m)
			}
		default:
			for _, m := range ms {
				transformChildren(m, t, depth+1)
			}
		}
	}
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func setAttr(n *node, a attr) {
	for i := range n.Attrs {
		if strings.EqualFold(n.Attrs[i].Name, a.Name) && n.Attrs[i].Space == a.Space {
			n.Attrs[i] = a // keeps the transform file's position
			return
		}
	}
	n.Attrs = append(n.Attrs, a)
}

func replaceChild(p, old, repl *node) {
	for i, c := range p.Children {
		if c == old {
			p.Children[i] = repl
		}
	}
}

func removeChild(p, old *node) {
	for i, c := range p.Children {
		if c == old {
			p.Children = append(p.Children[:i], p.Children[i+1:]...)
			return
		}
	}
}
