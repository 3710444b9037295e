package pkggen

import "strings"

// xmlEscaper replaces the five XML special characters with their entities.
var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// XMLEscape escapes s for XML text and for attribute values in either quote
// style, for emitters that fill XML templates (exe manifest, WiX source).
// Unlike encoding/xml.EscapeText it leaves tabs and line breaks as they are.
func XMLEscape(s string) string { return xmlEscaper.Replace(s) }
