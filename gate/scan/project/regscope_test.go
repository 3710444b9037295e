package project

import "testing"

func TestRegScope(t *testing.T) {
	appDirs := []string{"src/App", "src/Web", "other__repo/Svc"}
	dirs := map[string]bool{}
	for _, d := range appDirs {
		dirs[d] = true
	}
	cases := []struct {
		name, dir, owner string
		scoped           bool
	}{
		{"inside a project", "src/App/deploy", "src/App", false},
		{"project dir itself", "src/Web", "src/Web", false},
		{"sibling folder of the projects", "src/deploy", "src", true},
		{"repository root", ".", ".", true},
		{"deploy folder below the root", "deploy", ".", true},
		{"deployment folder case-insensitive", "Scripts", ".", true},
		{"another repository with apps", "other__repo/deploy", "other__repo", true},
		{"unrelated folder with no apps", "lonely__repo/reg", "", false},
		{"unrelated top folder with no apps", "lonely__repo", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			owner, scoped := regScope(c.dir, dirs, appDirs)
			if owner != c.owner || scoped != c.scoped {
				t.Fatalf("regScope(%q) = %q, %v; want %q, %v", c.dir, owner, scoped, c.owner, c.scoped)
			}
		})
	}
}
