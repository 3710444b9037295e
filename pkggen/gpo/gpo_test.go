package gpo

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/genfixture"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/regpol"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func TestGolden(t *testing.T) {
	tests := []struct {
		name    string
		product string
	}{
		{"plain", "tlsgate TLS hardening"},
		{"hostile-names", genfixture.Hostile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := genfixture.Generate(t, Generator{}, genfixture.Plan(), genfixture.Policy(tt.product))
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
	// A different timestamp changes Registry.xml and therefore the backup
	// ID, and nothing else.
	c := &pkggen.Bundle{Dir: t.TempDir(), Policy: genfixture.Policy("x"), Plan: genfixture.Plan(), Time: genfixture.Time.Add(time.Hour)}
	if err := (Generator{}).Generate(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if backupDir(t, a) == backupDir(t, c) {
		t.Fatal("backup ID did not change with the content")
	}
	if gpoID(t, a) != gpoID(t, c) {
		t.Fatal("GPO ID changed with the timestamp")
	}
}

// TestEveryBuiltin runs the structural checks that stand in for Import-GPO
// and GPMC on every built-in policy × OS family the settings model builds.
func TestEveryBuiltin(t *testing.T) {
	genfixture.EachBuiltin(t, func(t *testing.T, p *policy.Policy, plan settings.Plan) {
		verifyBundle(t, genfixture.Generate(t, Generator{}, plan, p))
	})
}

func TestFixedPlanStructure(t *testing.T) {
	for _, product := range []string{"plain", genfixture.Hostile, "", "..\\..\\x", "]]>"} {
		t.Run(fmt.Sprintf("%q", product), func(t *testing.T) {
			b := genfixture.Generate(t, Generator{}, genfixture.Plan(), genfixture.Policy(product))
			verifyBundle(t, b)
			// The display name survives XML escaping exactly, on one line.
			var inst xmlBackupInstRead
			readXML(t, filepath.Join(b.Dir, BackupRoot, backupDir(t, b), "bkupInfo.xml"), &inst)
			if inst.GPODisplayName != DisplayName(b) {
				t.Fatalf("GPODisplayName %q, want %q", inst.GPODisplayName, DisplayName(b))
			}
			if strings.ContainsAny(inst.GPODisplayName, "\r\n\t") {
				t.Fatalf("display name keeps control characters: %q", inst.GPODisplayName)
			}
			if product == genfixture.Hostile && !strings.Contains(inst.GPODisplayName, `Ac"me' <Corp> & ]]> $(whoami) `+"`id`"+` line2 ..\..\evil`) {
				t.Fatalf("display name lost characters: %q", inst.GPODisplayName)
			}
		})
	}
}

// Reading structs: namespaces resolved by the decoder, so a wrong prefix
// declaration fails here.
type xmlRegistrySettingsRead struct {
	XMLName     xml.Name `xml:"RegistrySettings"`
	CLSID       string   `xml:"clsid,attr"`
	Collections []struct {
		CLSID string `xml:"clsid,attr"`
		Name  string `xml:"name,attr"`
		Items []struct {
			CLSID        string `xml:"clsid,attr"`
			Name         string `xml:"name,attr"`
			Status       string `xml:"status,attr"`
			Image        string `xml:"image,attr"`
			Changed      string `xml:"changed,attr"`
			UID          string `xml:"uid,attr"`
			BypassErrors string `xml:"bypassErrors,attr"`
			RemovePolicy string `xml:"removePolicy,attr"`
			Properties   struct {
				Action  string `xml:"action,attr"`
				Default string `xml:"default,attr"`
				Hive    string `xml:"hive,attr"`
				Key     string `xml:"key,attr"`
				Name    string `xml:"name,attr"`
				Type    string `xml:"type,attr"`
				Value   string `xml:"value,attr"`
			} `xml:"Properties"`
		} `xml:"Registry"`
	} `xml:"Collection"`
}

type xmlBackupRead struct {
	XMLName xml.Name `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations GroupPolicyBackupScheme"`
	Version string   `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations version,attr"`
	Type    string   `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations type,attr"`
	GPO     struct {
		Core struct {
			ID                    string `xml:"ID"`
			Domain                string `xml:"Domain"`
			SecurityDescriptor    string `xml:"SecurityDescriptor"`
			DisplayName           string `xml:"DisplayName"`
			MachineVersionNumber  int    `xml:"MachineVersionNumber"`
			UserVersionNumber     int    `xml:"UserVersionNumber"`
			MachineExtensionGuids string `xml:"MachineExtensionGuids"`
		} `xml:"GroupPolicyCoreSettings"`
		Extensions []struct {
			ID       string `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations ID,attr"`
			DescName string `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations DescName,attr"`
			Objects  []struct {
				XMLName  xml.Name
				Path     string `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations Path,attr"`
				Location string `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations Location,attr"`
			} `xml:",any"`
		} `xml:"GroupPolicyExtension"`
	} `xml:"GroupPolicyObject"`
}

type xmlBackupInstRead struct {
	XMLName        xml.Name `xml:"http://www.microsoft.com/GroupPolicy/GPOOperations/Manifest BackupInst"`
	GPOGuid        string   `xml:"GPOGuid"`
	GPODomain      string   `xml:"GPODomain"`
	BackupTime     string   `xml:"BackupTime"`
	ID             string   `xml:"ID"`
	GPODisplayName string   `xml:"GPODisplayName"`
}

var guidRE = regexp.MustCompile(`^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$`)

func readXML(t *testing.T, path string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("%s starts with a BOM", path)
	}
	if n := bytes.Count(data, []byte("\n")); n != bytes.Count(data, []byte("\r\n")) {
		t.Fatalf("%s: %d LF but only %d CRLF", path, n, bytes.Count(data, []byte("\r\n")))
	}
	return data
}

func backupDir(t *testing.T, b *pkggen.Bundle) string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(b.Dir, BackupRoot))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || !ents[0].IsDir() {
		t.Fatalf("%s holds %d entries, want one backup folder", BackupRoot, len(ents))
	}
	return ents[0].Name()
}

func gpoID(t *testing.T, b *pkggen.Bundle) string {
	var inst xmlBackupInstRead
	readXML(t, filepath.Join(b.Dir, BackupRoot, backupDir(t, b), "bkupInfo.xml"), &inst)
	return inst.GPOGuid
}

type valueID struct{ hive, key, name string }

// verifyBundle checks the gpo artifacts of b against b.Plan.
func verifyBundle(t *testing.T, b *pkggen.Bundle) {
	t.Helper()
	// The settings list, as GPP/Registry.pol address values.
	want := map[valueID]uint32{}
	for _, s := range b.Plan.Settings {
		id := valueID{"HKEY_LOCAL_MACHINE", strings.ToLower(RegKey(s)), strings.ToLower(s.Name)}
		if _, dup := want[id]; dup {
			t.Fatalf("plan lists %v twice", id)
		}
		want[id] = s.Value
	}
	if len(want) == 0 {
		t.Fatal("empty plan")
	}

	// 1. Registry.xml ↔ settings, both ways.
	var rs xmlRegistrySettingsRead
	regXML := readXML(t, filepath.Join(b.Dir, filepath.FromSlash(RegistryXMLPath)), &rs)
	if !bytes.HasPrefix(regXML, []byte(`<?xml version="1.0" encoding="utf-8"?>`+"\r\n")) {
		t.Fatal("Registry.xml lacks the XML declaration")
	}
	if rs.CLSID != CLSIDRegistrySettings {
		t.Fatalf("root clsid %s", rs.CLSID)
	}
	got := map[valueID]uint32{}
	uids := map[string]bool{}
	for _, c := range rs.Collections {
		if c.CLSID != CLSIDCollection || c.Name == "" {
			t.Fatalf("collection %q clsid %s", c.Name, c.CLSID)
		}
		for _, it := range c.Items {
			p := it.Properties
			where := p.Key + `\` + p.Name
			if it.CLSID != CLSIDRegistry {
				t.Errorf("%s: item clsid %s", where, it.CLSID)
			}
			if !guidRE.MatchString(it.UID) || uids[it.UID] {
				t.Errorf("%s: uid %s malformed or repeated", where, it.UID)
			}
			uids[it.UID] = true
			if it.RemovePolicy != "1" || p.Action != "R" || it.BypassErrors != "1" {
				t.Errorf("%s: removePolicy=%q action=%q bypassErrors=%q, want 1/R/1", where, it.RemovePolicy, p.Action, it.BypassErrors)
			}
			if it.Changed != b.Time.UTC().Format(ChangedFormat) {
				t.Errorf("%s: changed %q", where, it.Changed)
			}
			if it.Name != p.Name || it.Status != p.Name || p.Default != "0" || p.Type != "REG_DWORD" || p.Hive != "HKEY_LOCAL_MACHINE" {
				t.Errorf("%s: name/status/default/type/hive = %q/%q/%q/%q/%q", where, it.Name, it.Status, p.Default, p.Type, p.Hive)
			}
			if !regexp.MustCompile(`^[0-9A-F]{8}$`).MatchString(p.Value) {
				t.Errorf("%s: value %q is not 8 upper-case hex digits", where, p.Value)
			}
			var v uint32
			fmt.Sscanf(p.Value, "%08X", &v)
			id := valueID{p.Hive, strings.ToLower(p.Key), strings.ToLower(p.Name)}
			if _, dup := got[id]; dup {
				t.Errorf("%s: two items", where)
			}
			got[id] = v
		}
	}
	compareValues(t, "Registry.xml", got, want)

	// 2. Backup layout and GUID consistency.
	dir := backupDir(t, b)
	if !guidRE.MatchString(dir) {
		t.Fatalf("backup folder %q is not a braced GUID", dir)
	}
	broot := filepath.Join(b.Dir, BackupRoot, dir)
	var bk xmlBackupRead
	readXML(t, filepath.Join(broot, "Backup.xml"), &bk)
	var inst xmlBackupInstRead
	readXML(t, filepath.Join(broot, "bkupInfo.xml"), &inst)
	if bk.Version != "2.0" || bk.Type != "GroupPolicyBackupTemplate" {
		t.Errorf("Backup.xml version/type %q/%q", bk.Version, bk.Type)
	}
	core := bk.GPO.Core
	if inst.ID != dir {
		t.Errorf("bkupInfo ID %s != folder %s", inst.ID, dir)
	}
	if inst.GPOGuid != core.ID || !guidRE.MatchString(core.ID) || core.ID == dir {
		t.Errorf("GPO IDs: bkupInfo %s, Backup.xml %s, backup %s", inst.GPOGuid, core.ID, dir)
	}
	if inst.GPODisplayName != core.DisplayName || core.DisplayName == "" {
		t.Errorf("display names %q vs %q", inst.GPODisplayName, core.DisplayName)
	}
	if inst.GPODomain != core.Domain {
		t.Errorf("domains %q vs %q", inst.GPODomain, core.Domain)
	}
	if _, err := time.Parse("2006-01-02T15:04:05", inst.BackupTime); err != nil {
		t.Errorf("BackupTime: %v", err)
	}
	if core.MachineVersionNumber == 0 || core.UserVersionNumber != 0 {
		t.Errorf("versions machine %d user %d", core.MachineVersionNumber, core.UserVersionNumber)
	}
	checkExtensionNames(t, core.MachineExtensionGuids)
	checkSecurityDescriptor(t, core.SecurityDescriptor)
	// Every file Backup.xml names with a Location exists, and every file
	// in the folder is named (or is one of the two descriptors).
	listed := map[string]bool{"Backup.xml": true, "bkupInfo.xml": true}
	var haveGPP bool
	for _, ext := range bk.GPO.Extensions {
		if !guidRE.MatchString(strings.ToUpper(ext.ID)) {
			t.Errorf("extension id %q", ext.ID)
		}
		for _, o := range ext.Objects {
			if o.Location == "" {
				continue
			}
			if !strings.HasPrefix(o.Path, `%GPO_MACH_FSPATH%\`) || !strings.HasSuffix(o.Location, strings.TrimPrefix(o.Path, `%GPO_MACH_FSPATH%`)) {
				t.Errorf("path %q and location %q disagree", o.Path, o.Location)
			}
			rel := strings.ReplaceAll(o.Location, `\`, "/")
			fi, err := os.Stat(filepath.Join(broot, filepath.FromSlash(rel)))
			switch {
			case err != nil:
				t.Errorf("Backup.xml lists %s: %v", o.Location, err)
			case o.XMLName.Local == "FSObjectDir" && !fi.IsDir(), o.XMLName.Local == "FSObjectFile" && fi.IsDir():
				t.Errorf("%s is listed as %s", o.Location, o.XMLName.Local)
			}
			if o.XMLName.Local == "FSObjectFile" {
				listed[rel] = true
				if rel == SysvolRegistryXML && ext.ID == ExtFileCopy {
					haveGPP = true
				}
			}
		}
	}
	if !haveGPP {
		t.Errorf("Backup.xml does not list %s under the GPP file extension", SysvolRegistryXML)
	}
	_ = filepath.WalkDir(broot, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(broot, p)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s is in the backup but not in Backup.xml", rel)
		}
		return nil
	})
	inBackup, err := os.ReadFile(filepath.Join(broot, filepath.FromSlash(SysvolRegistryXML)))
	if err != nil || !bytes.Equal(inBackup, regXML) {
		t.Errorf("the backup's Registry.xml differs from %s (%v)", RegistryXMLPath, err)
	}

	// 3. Registry.pol ↔ settings.
	pol, err := os.ReadFile(filepath.Join(b.Dir, filepath.FromSlash(RegistryPolPath)))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := regpol.Unmarshal(pol)
	if err != nil {
		t.Fatal(err)
	}
	gotPol := map[valueID]uint32{}
	for _, e := range entries {
		v, ok := e.Uint32()
		if !ok {
			t.Errorf("Registry.pol %s\\%s is not a DWORD", e.Key, e.ValueName)
		}
		id := valueID{"HKEY_LOCAL_MACHINE", strings.ToLower(e.Key), strings.ToLower(e.ValueName)}
		if _, dup := gotPol[id]; dup {
			t.Errorf("Registry.pol lists %v twice", id)
		}
		gotPol[id] = v
	}
	compareValues(t, "Registry.pol", gotPol, want)

	// 4. Artifacts recorded for every file.
	kinds := map[string]string{}
	for _, a := range b.Artifacts {
		kinds[a.Path] = a.Kind
	}
	for _, p := range []string{RegistryXMLPath, RegistryPolPath, BackupRoot + "/" + dir + "/Backup.xml", BackupRoot + "/" + dir + "/bkupInfo.xml", BackupRoot + "/" + dir + "/" + SysvolRegistryXML} {
		if kinds[p] == "" {
			t.Errorf("no artifact recorded for %s", p)
		}
	}
}

func compareValues(t *testing.T, what string, got, want map[valueID]uint32) {
	t.Helper()
	var problems []string
	for id, v := range want {
		g, ok := got[id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing %v", id))
		case g != v:
			problems = append(problems, fmt.Sprintf("%v = %#x, want %#x", id, g, v))
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			problems = append(problems, fmt.Sprintf("extra %v", id))
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
}

func checkExtensionNames(t *testing.T, v string) {
	t.Helper()
	groups := regexp.MustCompile(`\[(\{[0-9A-F-]{36}\})+\]`).FindAllString(v, -1)
	if strings.Join(groups, "") != v || len(groups) == 0 {
		t.Fatalf("MachineExtensionGuids %q is not a list of [{CSE}{tool}] groups", v)
	}
	if !sort.StringsAreSorted(groups) {
		t.Errorf("MachineExtensionGuids groups not sorted by CSE GUID: %q", v)
	}
	if !strings.Contains(v, "["+CSEPreferencesRegistry+ToolPreferencesRegistry+"]") {
		t.Errorf("MachineExtensionGuids %q lacks the GPP Registry CSE", v)
	}
}

// checkSecurityDescriptor parses the self-relative descriptor and checks
// every offset and length is consistent.
func checkSecurityDescriptor(t *testing.T, hexs string) {
	t.Helper()
	var sd []byte
	for _, f := range strings.Fields(hexs) {
		var c byte
		if _, err := fmt.Sscanf(f, "%02x", &c); err != nil || len(f) != 2 {
			t.Fatalf("SecurityDescriptor byte %q", f)
		}
		sd = append(sd, c)
	}
	if len(sd) < 20 || sd[0] != 1 || binary.LittleEndian.Uint16(sd[2:])&0x8004 != 0x8004 {
		t.Fatalf("SecurityDescriptor header % x", sd[:min(20, len(sd))])
	}
	sidLen := func(off int) int {
		if off+8 > len(sd) || sd[off] != 1 {
			t.Fatalf("SID at %d malformed", off)
		}
		return 8 + 4*int(sd[off+1])
	}
	owner := int(binary.LittleEndian.Uint32(sd[4:]))
	group := int(binary.LittleEndian.Uint32(sd[8:]))
	dacl := int(binary.LittleEndian.Uint32(sd[16:]))
	sidLen(owner)
	sidLen(group)
	if dacl+8 > len(sd) || sd[dacl] != 2 {
		t.Fatalf("DACL at %d malformed", dacl)
	}
	size := int(binary.LittleEndian.Uint16(sd[dacl+2:]))
	count := int(binary.LittleEndian.Uint16(sd[dacl+4:]))
	if dacl+size != len(sd) {
		t.Fatalf("DACL size %d at %d, descriptor %d bytes", size, dacl, len(sd))
	}
	off := dacl + 8
	for i := 0; i < count; i++ {
		aceSize := int(binary.LittleEndian.Uint16(sd[off+2:]))
		if aceSize != 8+sidLen(off+8) {
			t.Fatalf("ACE %d size %d", i, aceSize)
		}
		off += aceSize
	}
	if off != len(sd) {
		t.Fatalf("ACEs end at %d of %d", off, len(sd))
	}
}

func TestItemsRejects(t *testing.T) {
	base := settings.Setting{Hive: "HKLM", Key: `SOFTWARE\X`, View: settings.View64, Name: "V", Type: "REG_DWORD", Value: 1}
	tests := []struct {
		name string
		mod  func(*settings.Setting) []settings.Setting
		want string
	}{
		{"HKCU", func(s *settings.Setting) []settings.Setting { s.Hive = "HKCU"; return []settings.Setting{*s} }, "hive"},
		{"REG_SZ", func(s *settings.Setting) []settings.Setting { s.Type = "REG_SZ"; return []settings.Setting{*s} }, "type"},
		{"bad view", func(s *settings.Setting) []settings.Setting { s.View = "16"; return []settings.Setting{*s} }, "view"},
		{"duplicate", func(s *settings.Setting) []settings.Setting {
			d := *s
			d.Key = strings.ToLower(d.Key)
			return []settings.Setting{*s, d}
		}, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			_, err := Items(settings.Plan{Settings: tt.mod(&s)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			b := &pkggen.Bundle{Dir: t.TempDir(), Plan: settings.Plan{Settings: tt.mod(&s)}, Time: genfixture.Time}
			if err := (Generator{}).Generate(t.Context(), b); err == nil {
				t.Fatal("Generate accepted it")
			}
		})
	}
}

func TestSkip(t *testing.T) {
	if (Generator{}).Skip(&pkggen.Bundle{}) == "" {
		t.Fatal("empty plan not skipped")
	}
}

func TestGUID(t *testing.T) {
	a, b := GUID("x", "y"), GUID("x", "y")
	if a != b || !guidRE.MatchString(a) || a == GUID("xy") || a == GUID("x", "z") {
		t.Fatalf("GUID not a deterministic function of its parts: %s %s", a, GUID("xy"))
	}
	if a[15] != '5' || !strings.ContainsRune("89AB", rune(a[20])) {
		t.Fatalf("GUID %s lacks version 5 / RFC 4122 variant", a)
	}
}

func TestCleanText(t *testing.T) {
	tests := map[string]string{
		"  a\r\n\tb  ":  "a b",
		"x\u2028y":      "x y",
		`"q" <&> ]]> $`: `"q" <&> ]]> $`,
		"\x00\x1f":      "",
	}
	for in, want := range tests {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzNames: any product, company and policy name yields well-formed
// backup XML whose display name reads back exactly as DisplayName
// computed it, on one line.
func FuzzNames(f *testing.F) {
	f.Add(genfixture.Hostile, "tls12", "win10")
	f.Add("]]>\x00\uFFFE", `..\..\x`, "win7")
	f.Fuzz(func(t *testing.T, product, pol, os string) {
		p := genfixture.Policy(product)
		plan := genfixture.Plan()
		plan.Policy, plan.OS = pol, os
		b := &pkggen.Bundle{Policy: p, Plan: plan, Time: genfixture.Time}
		items, err := Items(plan)
		if err != nil {
			t.Fatal(err)
		}
		reg, err := RegistryXML(items, b.Time)
		if err != nil {
			t.Fatal(err)
		}
		info := NewBackupInfo(b, reg)
		files, err := Backup(info, reg)
		if err != nil {
			t.Fatal(err)
		}
		var inst xmlBackupInstRead
		if err := xml.Unmarshal(files[1].Data, &inst); err != nil {
			t.Fatalf("bkupInfo.xml: %v", err)
		}
		var bk xmlBackupRead
		if err := xml.Unmarshal(files[0].Data, &bk); err != nil {
			t.Fatalf("Backup.xml: %v", err)
		}
		want := DisplayName(b)
		if inst.GPODisplayName != want || bk.GPO.Core.DisplayName != want || strings.ContainsAny(want, "\r\n\t") {
			t.Fatalf("display name %q / %q, want %q", inst.GPODisplayName, bk.GPO.Core.DisplayName, want)
		}
		if !guidRE.MatchString(info.BackupID) || strings.ContainsAny(files[2].Path, `\:`) || strings.Contains(files[2].Path, "..") {
			t.Fatalf("backup path %q", files[2].Path)
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
