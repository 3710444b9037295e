// Package admx renders the settings list as an Administrative Template: an
// ADMX policy definition file and its en-US ADML language file, laid out
// as the PolicyDefinitions folder of a Group Policy central store:
//
//	admx/PolicyDefinitions/tlsgate-<policy>-<os>.admx
//	admx/PolicyDefinitions/en-US/tlsgate-<policy>-<os>.adml
//
// Each policy covers one logical value (both registry views) or, for an
// SChannel protocol role, the Enabled/DisabledByDefault pair. Toggles write
// the plan's value; WinHTTP/WinINet protocol masks and SChannel protocol
// states are drop-downs (enum) whose default item is the plan's value;
// SChannel EventLogging is a number from 0 to 7. Disabled deletes the
// values (back to the Windows default). The keys are outside
// SOFTWARE\Policies, so values are tattooed: explain texts say so.
//
// supportedOn uses the template's own definitions (no reference to
// Microsoft's windows namespace, so the file needs no `using` element).
// The XML is produced with encoding/xml (STYLE C25), UTF-8 without BOM and
// CRLF line ends.
package admx

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/gpo"
)

// Namespace is the PolicyDefinitions XML namespace of ADMX and ADML files.
const Namespace = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"

// Folder is the bundle folder of the template files.
const Folder = "admx/PolicyDefinitions"

// Language is the ADML culture.
const Language = "en-US"

// Artifact kinds.
const (
	KindADMX = "admx"
	KindADML = "adml"
)

// Generator is the "admx" format.
type Generator struct{}

// Name implements pkggen.Generator.
func (Generator) Name() string { return "admx" }

// Skip implements pkggen.Generator.
func (Generator) Skip(b *pkggen.Bundle) string {
	if len(b.Plan.Settings) == 0 {
		return "the plan sets no registry value"
	}
	return ""
}

// Describe implements pkggen.Describer.
func (Generator) Describe() string {
	return "`admx/PolicyDefinitions/` is an Administrative Template (ADMX with an en-US ADML) exposing every value of this bundle as a policy under Computer Configuration > Policies > Administrative Templates > <product> (tlsgate <policy>, <os>). Copy the folder's contents into `\\\\<domain>\\SYSVOL\\<domain>\\Policies\\PolicyDefinitions\\` (the central store) or `%SystemRoot%\\PolicyDefinitions\\`. Most values live outside `SOFTWARE\\Policies`, so they stay after the GPO is removed: set a policy to Disabled to delete its values. See docs/gpo.md."
}

// Generate implements pkggen.Generator.
func (Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	product, company := "", ""
	if b.Policy != nil {
		product, company = b.Policy.Package.Product, b.Policy.Package.Company
		if strings.TrimSpace(product) == "" {
			product = b.Policy.Package.Name
		}
	}
	t, err := Build(b.Plan, product, company)
	if err != nil {
		return err
	}
	admxData, admlData, err := Render(t)
	if err != nil {
		return err
	}
	if err := b.WriteFile(KindADMX, Folder+"/"+t.Base+".admx", admxData); err != nil {
		return err
	}
	return b.WriteFile(KindADML, Folder+"/"+Language+"/"+t.Base+".adml", admlData)
}

// ADMX structs (policyDefinitions schema, element order as the schema
// requires).
type xmlPolicyDefinitions struct {
	XMLName          xml.Name          `xml:"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions policyDefinitions"`
	Revision         string            `xml:"revision,attr"`
	SchemaVersion    string            `xml:"schemaVersion,attr"`
	PolicyNamespaces xmlNamespaces     `xml:"policyNamespaces"`
	Resources        xmlResourcesRef   `xml:"resources"`
	SupportedOn      xmlSupportedOnDef `xml:"supportedOn"`
	Categories       []xmlCategory     `xml:"categories>category"`
	Policies         []xmlPolicy       `xml:"policies>policy"`
}

type xmlNamespaces struct {
	Target xmlTarget `xml:"target"`
}

type xmlTarget struct {
	Prefix    string `xml:"prefix,attr"`
	Namespace string `xml:"namespace,attr"`
}

type xmlResourcesRef struct {
	MinRequiredRevision string `xml:"minRequiredRevision,attr"`
}

type xmlSupportedOnDef struct {
	Definitions []xmlDefinition `xml:"definitions>definition"`
}

type xmlDefinition struct {
	Name        string `xml:"name,attr"`
	DisplayName string `xml:"displayName,attr"`
}

type xmlRef struct {
	Ref string `xml:"ref,attr"`
}

type xmlCategory struct {
	Name           string  `xml:"name,attr"`
	DisplayName    string  `xml:"displayName,attr"`
	ParentCategory *xmlRef `xml:"parentCategory"`
}

type xmlPolicy struct {
	Name           string       `xml:"name,attr"`
	Class          string       `xml:"class,attr"`
	DisplayName    string       `xml:"displayName,attr"`
	ExplainText    string       `xml:"explainText,attr"`
	Presentation   string       `xml:"presentation,attr,omitempty"`
	Key            string       `xml:"key,attr"`
	ValueName      string       `xml:"valueName,attr,omitempty"`
	ParentCategory xmlRef       `xml:"parentCategory"`
	SupportedOn    xmlRef       `xml:"supportedOn"`
	EnabledValue   *xmlValue    `xml:"enabledValue"`
	DisabledValue  *xmlValue    `xml:"disabledValue"`
	EnabledList    *xmlList     `xml:"enabledList"`
	DisabledList   *xmlList     `xml:"disabledList"`
	Elements       *xmlElements `xml:"elements"`
}

type xmlValue struct {
	Delete  *struct{}   `xml:"delete"`
	Decimal *xmlDecimal `xml:"decimal"`
}

type xmlDecimal struct {
	Value uint32 `xml:"value,attr"`
}

type xmlList struct {
	Items []xmlListItem `xml:"item"`
}

type xmlListItem struct {
	Key       string   `xml:"key,attr"`
	ValueName string   `xml:"valueName,attr"`
	Value     xmlValue `xml:"value"`
}

type xmlElements struct {
	Decimals []xmlDecimalElement `xml:"decimal"`
	Enums    []xmlEnum           `xml:"enum"`
}

type xmlDecimalElement struct {
	ID        string `xml:"id,attr"`
	ValueName string `xml:"valueName,attr"`
	Required  bool   `xml:"required,attr"`
	MinValue  uint32 `xml:"minValue,attr"`
	MaxValue  uint32 `xml:"maxValue,attr"`
}

type xmlEnum struct {
	ID        string        `xml:"id,attr"`
	ValueName string        `xml:"valueName,attr"`
	Required  bool          `xml:"required,attr"`
	Items     []xmlEnumItem `xml:"item"`
}

type xmlEnumItem struct {
	DisplayName string   `xml:"displayName,attr"`
	Value       xmlValue `xml:"value"`
	ValueList   *xmlList `xml:"valueList"`
}

// ADML structs.
type xmlPolicyDefinitionResources struct {
	XMLName       xml.Name        `xml:"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions policyDefinitionResources"`
	Revision      string          `xml:"revision,attr"`
	SchemaVersion string          `xml:"schemaVersion,attr"`
	DisplayName   string          `xml:"displayName"`
	Description   string          `xml:"description"`
	Strings       []xmlString     `xml:"resources>stringTable>string"`
	Presentations []xmlPresentTab `xml:"resources>presentationTable>presentation"`
}

type xmlString struct {
	ID   string `xml:"id,attr"`
	Text string `xml:",chardata"`
}

type xmlPresentTab struct {
	ID       string       `xml:"id,attr"`
	Controls []xmlControl `xml:",any"`
}

type xmlControl struct {
	XMLName      xml.Name
	RefID        string `xml:"refId,attr"`
	DefaultItem  *int   `xml:"defaultItem,attr"`
	NoSort       string `xml:"noSort,attr,omitempty"`
	DefaultValue *int64 `xml:"defaultValue,attr"`
	Spin         string `xml:"spin,attr,omitempty"`
	SpinStep     string `xml:"spinStep,attr,omitempty"`
	Label        string `xml:",chardata"`
}

// elementID is the id of a policy's one option element.
const elementID = "Value"

// Render produces the ADMX and ADML bytes for t.
func Render(t Template) (admxData, admlData []byte, err error) {
	defs := xmlPolicyDefinitions{
		Revision:         "1.0",
		SchemaVersion:    "1.0",
		PolicyNamespaces: xmlNamespaces{Target: xmlTarget{Prefix: t.Prefix, Namespace: t.Namespace}},
		Resources:        xmlResourcesRef{MinRequiredRevision: "1.0"},
	}
	res := xmlPolicyDefinitionResources{Revision: "1.0", SchemaVersion: "1.0", DisplayName: t.Display, Description: t.Desc}
	str := func(id, text string) string {
		res.Strings = append(res.Strings, xmlString{ID: id, Text: text})
		return "$(string." + id + ")"
	}
	for _, s := range t.Supports {
		defs.SupportedOn.Definitions = append(defs.SupportedOn.Definitions, xmlDefinition{Name: s.Name, DisplayName: str(s.Name, s.Display)})
	}
	for _, c := range t.Categories {
		xc := xmlCategory{Name: c.Name, DisplayName: str("Cat_"+c.Name, c.Display)}
		if c.Parent != "" {
			xc.ParentCategory = &xmlRef{Ref: c.Parent}
		}
		defs.Categories = append(defs.Categories, xc)
	}
	del := func() xmlValue { return xmlValue{Delete: &struct{}{}} }
	dec := func(v uint32) xmlValue { return xmlValue{Decimal: &xmlDecimal{Value: v}} }
	for _, p := range t.Policies {
		xp := xmlPolicy{
			Name:           p.Name,
			Class:          p.Class,
			DisplayName:    str(p.Name, p.Display),
			ExplainText:    str(p.Name+"_Explain", p.Explain),
			Key:            p.Key,
			ParentCategory: xmlRef{Ref: p.Category},
			SupportedOn:    xmlRef{Ref: p.Support},
		}
		// Disabled deletes every managed value in every view.
		disabled := &xmlList{}
		for _, v := range p.Values() {
			disabled.Items = append(disabled.Items, xmlListItem{Key: v.Key, ValueName: v.Name, Value: del()})
		}
		switch p.Kind {
		case kindToggle:
			xp.ValueName = p.ValueNames[0]
			xp.EnabledValue = ptr(dec(p.Plan[0]))
			xp.DisabledValue = ptr(del())
			enabled := &xmlList{}
			disabled.Items = nil
			for _, v := range p.Values() {
				if v.Key == p.Key && v.Name == p.ValueNames[0] {
					continue
				}
				enabled.Items = append(enabled.Items, xmlListItem{Key: v.Key, ValueName: v.Name, Value: dec(v.Value)})
				disabled.Items = append(disabled.Items, xmlListItem{Key: v.Key, ValueName: v.Name, Value: del()})
			}
			if len(enabled.Items) > 0 {
				xp.EnabledList, xp.DisabledList = enabled, disabled
			}
		case kindEnum:
			if len(p.Choices) == 0 || p.Default < 0 || p.Default >= len(p.Choices) {
				return nil, nil, fmt.Errorf("admx: policy %s: default item %d of %d", p.Name, p.Default, len(p.Choices))
			}
			xp.Presentation = "$(presentation." + p.Name + ")"
			xp.DisabledList = disabled
			e := xmlEnum{ID: elementID, ValueName: p.ValueNames[0], Required: true}
			for i, c := range p.Choices {
				if len(c.Values) != len(p.ValueNames) {
					return nil, nil, fmt.Errorf("admx: policy %s: choice %q has %d values for %d names", p.Name, c.Label, len(c.Values), len(p.ValueNames))
				}
				it := xmlEnumItem{DisplayName: str(fmt.Sprintf("%s_Item%d", p.Name, i), c.Label), Value: dec(c.Values[0])}
				vl := &xmlList{}
				for _, k := range append([]string{p.Key}, p.Twins...) {
					for j, n := range p.ValueNames {
						if k == p.Key && j == 0 {
							continue
						}
						vl.Items = append(vl.Items, xmlListItem{Key: k, ValueName: n, Value: dec(c.Values[j])})
					}
				}
				if len(vl.Items) > 0 {
					it.ValueList = vl
				}
				e.Items = append(e.Items, it)
			}
			xp.Elements = &xmlElements{Enums: []xmlEnum{e}}
			def := p.Default
			res.Presentations = append(res.Presentations, xmlPresentTab{ID: p.Name, Controls: []xmlControl{{
				XMLName: xml.Name{Local: "dropdownList"}, RefID: elementID, DefaultItem: &def, NoSort: "true", Label: p.Label,
			}}})
		case kindDecimal:
			if len(p.ValueNames) != 1 || len(p.Twins) != 0 {
				return nil, nil, fmt.Errorf("admx: policy %s: a number policy writes exactly one value", p.Name)
			}
			xp.Presentation = "$(presentation." + p.Name + ")"
			xp.DisabledList = disabled
			xp.Elements = &xmlElements{Decimals: []xmlDecimalElement{{ID: elementID, ValueName: p.ValueNames[0], Required: true, MinValue: p.Min, MaxValue: p.Max}}}
			dv := int64(p.Plan[0])
			res.Presentations = append(res.Presentations, xmlPresentTab{ID: p.Name, Controls: []xmlControl{{
				XMLName: xml.Name{Local: "decimalTextBox"}, RefID: elementID, DefaultValue: &dv, Spin: "true", SpinStep: "1", Label: p.Label,
			}}})
		default:
			return nil, nil, fmt.Errorf("admx: policy %s: unknown kind %q", p.Name, p.Kind)
		}
		defs.Policies = append(defs.Policies, xp)
	}
	if admxData, err = marshalCRLF(defs); err != nil {
		return nil, nil, err
	}
	if admlData, err = marshalCRLF(res); err != nil {
		return nil, nil, err
	}
	return admxData, admlData, nil
}

func ptr[T any](v T) *T { return &v }

// marshalCRLF encodes v indented after an XML declaration, with CRLF line
// ends. Newlines inside text and attributes are written as character
// references by encoding/xml, so the raw LFs are the indentation's.
func marshalCRLF(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("admx: encode XML: %w", err)
	}
	s := `<?xml version="1.0" encoding="utf-8"?>` + "\n" + string(body) + "\n"
	return []byte(strings.ReplaceAll(s, "\n", "\r\n")), nil
}

// cleanText keeps a user-given name on one line (gpo.CleanText).
func cleanText(s string) string { return gpo.CleanText(s) }

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
