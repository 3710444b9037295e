package project

import (
	"fmt"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// cfgSwitch is an AppContext switch override found in a config file.
type cfgSwitch struct {
	Name  string
	Value bool
	Valid bool // the value parsed as a bool
	Raw   string
	Node  *node
	Attr  attr
	Form  string // "AppContextSwitchOverrides" or "appSettings"
}

const appSettingPrefix = "AppContext.SetSwitch:"

// configSwitches returns the switch overrides of a configuration tree:
// <runtime><AppContextSwitchOverrides value="a=b;c=d"/> and the ASP.NET
// <appSettings><add key="AppContext.SetSwitch:name" value="bool"/>.
// Elements a transform removes are not overrides.
func configSwitches(root *node) []cfgSwitch {
	var out []cfgSwitch
	if root == nil {
		return nil
	}
	for _, rt := range root.children("runtime") {
		for _, o := range rt.children("AppContextSwitchOverrides") {
			if removed(o) {
				continue
			}
			at, ok := o.attr("value")
			if !ok {
				continue
			}
			for _, part := range strings.Split(at.Value, ";") {
				name, val, found := strings.Cut(part, "=")
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				b, valid := parseBool(val)
				if !found {
					valid = false
				}
				out = append(out, cfgSwitch{Name: canonicalSwitch(name), Value: b, Valid: valid, Raw: strings.TrimSpace(val), Node: o, Attr: at, Form: "AppContextSwitchOverrides"})
			}
		}
	}
	for _, as := range root.children("appSettings") {
		for _, add := range as.children("add") {
			if removed(add) {
				continue
			}
			key := strings.TrimSpace(add.attrValue("key"))
			if len(key) <= len(appSettingPrefix) || !strings.EqualFold(key[:len(appSettingPrefix)], appSettingPrefix) {
				continue
			}
			at, _ := add.attr("value")
			b, valid := parseBool(at.Value)
			out = append(out, cfgSwitch{Name: canonicalSwitch(strings.TrimSpace(key[len(appSettingPrefix):])), Value: b, Valid: valid, Raw: at.Value, Node: add, Attr: at, Form: "appSettings"})
		}
	}
	return out
}

func removed(n *node) bool {
	t := strings.ToLower(n.xdt("Transform"))
	return strings.HasPrefix(t, "remove")
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// configFile runs the per-file configuration rules: TLS008, TLS012, TLS018.
func (a *analysis) configFile(f *source.File) {
	if !hasXMLShape(f.Text) {
		return
	}
	d := a.doc(f)
	root := d.Root
	if root == nil || !strings.EqualFold(root.Name, "configuration") {
		return
	}
	// TLS008: weakening switches.
	for _, s := range configSwitches(root) {
		lvl, weak := weakeningSwitches[strings.ToLower(s.Name)]
		if !weak || !s.Valid || !s.Value {
			continue
		}
		where := "<AppContextSwitchOverrides>"
		if s.Form == "appSettings" {
			where = "the ASP.NET appSettings key " + appSettingPrefix + s.Name
		}
		msg := fmt.Sprintf("%s=true in %s %s", s.Name, where, switchEffect(s.Name))
		if s.Form == "appSettings" {
			a.reportNode("TLS008", lvl, s.Node, msg)
		} else {
			a.reportAttr("TLS008", lvl, s.Node, s.Attr, msg)
		}
	}
	a.wcfBindings(root)
	a.systemNet(root)
}

func switchEffect(name string) string {
	switch strings.ToLower(name) {
	case strings.ToLower(swStrong):
		return "turns strong crypto off: the default falls back to SSL 3.0 + TLS 1.0 and weak ciphers"
	case strings.ToLower(swSysDefault):
		return "turns the OS default off: the app uses a fixed protocol list and misses OS-level deprecation and TLS 1.3"
	case strings.ToLower(swWCFSPM):
		return "makes WCF message security ignore ServicePointManager: SSL 3.0 + TLS 1.0 only"
	case strings.ToLower(swWCFSysDeflt):
		return "turns the OS default off for WCF: a fixed TLS 1.0–1.2 list"
	}
	return ""
}

// wcfBindings is TLS012: sslProtocols on NetTcp transport security and
// <sslStreamSecurity>, and config bindings that omit it.
func (a *analysis) wcfBindings(root *node) {
	bindings := root.path("system.serviceModel", "bindings")
	if bindings == nil {
		return
	}
	check := func(el *node, what string) {
		if removed(el) {
			return
		}
		at, ok := el.attr("sslProtocols")
		if !ok {
			a.reportNode("TLS012", finding.Warning, el, fmt.Sprintf("%s without sslProtocols: a binding from configuration defaults to the fixed list TLS 1.0, 1.1, 1.2 (it does not inherit the OS default)", what))
			return
		}
		set, weak, unknown := parseSslProtocols(at.Value)
		switch {
		case len(unknown) > 0:
			a.reportAttr("TLS012", finding.Warning, el, at, fmt.Sprintf("%s sslProtocols=%q has unknown members %s", what, at.Value, strings.Join(unknown, ", ")))
		case weak:
			a.reportAttr("TLS012", finding.Error, el, at, fmt.Sprintf("%s sslProtocols=%q enables deprecated %s", what, at.Value, listOf(set&finding.SetOf(finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11))))
		case set != 0:
			a.reportAttr("TLS012", finding.Note, el, at, fmt.Sprintf("%s sslProtocols=%q pins %s regardless of OS policy", what, at.Value, listOf(set)))
		}
	}
	for _, b := range bindings.children("netTcpBinding") {
		for _, bind := range b.children("binding") {
			sec := bind.child("security")
			if sec == nil || removed(bind) {
				continue
			}
			mode := strings.ToLower(sec.attrValue("mode"))
			if mode != "transport" && mode != "transportwithmessagecredential" {
				continue
			}
			tr := sec.child("transport")
			if tr == nil {
				a.reportNode("TLS012", finding.Warning, sec, "netTcpBinding transport security without <transport sslProtocols=…>: a binding from configuration defaults to the fixed list TLS 1.0, 1.1, 1.2 (it does not inherit the OS default)")
				continue
			}
			check(tr, "netTcpBinding <transport>")
		}
	}
	for _, b := range bindings.children("customBinding") {
		for _, bind := range b.children("binding") {
			for _, s := range bind.children("sslStreamSecurity") {
				check(s, "customBinding <sslStreamSecurity>")
			}
		}
	}
}

// parseSslProtocols parses a WCF "Tls11|Tls12" (also ',' separated) list.
func parseSslProtocols(v string) (set finding.ProtocolSet, weak bool, unknown []string) {
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '|' || r == ',' }) {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "none", "":
		case "ssl2":
			set = set.With(finding.SSL20)
			weak = true
		case "ssl3":
			set = set.With(finding.SSL30)
			weak = true
		case "tls", "tls10":
			set = set.With(finding.TLS10)
			weak = true
		case "tls11":
			set = set.With(finding.TLS11)
			weak = true
		case "tls12":
			set = set.With(finding.TLS12)
		case "tls13":
			set = set.With(finding.TLS13)
		case "default":
			set = set.With(finding.SSL30, finding.TLS10)
			weak = true
		default:
			unknown = append(unknown, strings.TrimSpace(part))
		}
	}
	return
}

// systemNet is TLS018: <servicePointManager> attributes and WCF
// certificateValidationMode="None".
func (a *analysis) systemNet(root *node) {
	for _, spm := range root.children("system.net") {
		for _, st := range spm.children("settings") {
			for _, s := range st.children("servicePointManager") {
				if removed(s) {
					continue
				}
				if at, ok := s.attr("checkCertificateName"); ok && strings.EqualFold(strings.TrimSpace(at.Value), "false") {
					a.reportAttr("TLS018", finding.Error, s, at, "servicePointManager checkCertificateName=\"false\" accepts certificates issued for any host name")
				}
				if at, ok := s.attr("encryptionPolicy"); ok {
					v := strings.ToLower(strings.TrimSpace(at.Value))
					if v == "allownoencryption" || v == "noencryption" {
						a.reportAttr("TLS018", finding.Error, s, at, fmt.Sprintf("servicePointManager encryptionPolicy=%q allows connections with a NULL cipher (no encryption)", at.Value))
					}
				}
				if at, ok := s.attr("checkCertificateRevocationList"); ok && strings.EqualFold(strings.TrimSpace(at.Value), "false") {
					a.reportAttr("TLS018", finding.Note, s, at, "servicePointManager checkCertificateRevocationList=\"false\" skips revocation checks")
				}
			}
		}
	}
	sm := root.child("system.serviceModel")
	if sm == nil {
		return
	}
	sm.walk(func(n *node) {
		if !strings.EqualFold(n.Name, "authentication") || removed(n) {
			return
		}
		at, ok := n.attr("certificateValidationMode")
		if !ok || !strings.EqualFold(strings.TrimSpace(at.Value), "None") {
			return
		}
		p := n.Parent
		if p == nil {
			return
		}
		switch strings.ToLower(p.Name) {
		case "servicecertificate", "clientcertificate", "issuedtokenauthentication":
			a.reportAttr("TLS018", finding.Error, n, at, fmt.Sprintf("WCF <%s><authentication certificateValidationMode=\"None\"> accepts any certificate", p.Name))
		}
	})
}
