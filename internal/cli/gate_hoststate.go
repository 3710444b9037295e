package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/project"
)

// hostStatus is the part of the applier's `check --json` document the gate
// reads (pkggen/applier Status): the values it found on the host.
type hostStatus struct {
	SchemaVersion int    `json:"schema_version"`
	Command       string `json:"command"`
	Settings      []struct {
		Hive  string `json:"hive"`
		Key   string `json:"key"`
		View  string `json:"view"`
		Name  string `json:"name"`
		Found *struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"found"`
	} `json:"settings"`
}

// loadHostState reads `<package>.exe check --json` output from a real host
// into the registry state the application model uses as "as shipped".
// Values the check did not look at count as absent.
func loadHostState(path string) (project.RegistryState, string, error) {
	var st project.RegistryState
	data, err := os.ReadFile(path)
	if err != nil {
		return st, "", err
	}
	var doc hostStatus
	if err := json.Unmarshal(data, &doc); err != nil {
		return st, "", fmt.Errorf("%s: not the JSON of `check --json`: %w", path, err)
	}
	if doc.Settings == nil {
		return st, "", fmt.Errorf("%s: no \"settings\" list (expected the output of `<package>.exe check --json`)", path)
	}
	type client struct{ enabled, disabledByDefault *uint32 }
	clients := map[finding.Protocol]*client{}
	used := 0
	for _, s := range doc.Settings {
		if s.View == "32" || s.Found == nil {
			continue
		}
		num, ok := s.Found.Value.(float64)
		if !ok || num < 0 || num > 0xFFFFFFFF {
			continue
		}
		v := uint32(num)
		key := strings.ToLower(strings.ReplaceAll(s.Key, "/", `\`))
		name := strings.ToLower(s.Name)
		switch {
		case strings.HasSuffix(key, `.netframework\v4.0.30319`) && name == "schusestrongcrypto":
			st.SchUseStrongCrypto = &v
		case strings.HasSuffix(key, `.netframework\v4.0.30319`) && name == "systemdefaulttlsversions":
			st.SystemDefaultTlsVersions = &v
		case strings.HasSuffix(key, `.netframework\v2.0.50727`) && name == "schusestrongcrypto":
			st.SchUseStrongCrypto2 = &v
		case strings.HasSuffix(key, `.netframework\v2.0.50727`) && name == "systemdefaulttlsversions":
			st.SystemDefaultTlsVersions2 = &v
		case strings.Contains(key, `schannel\protocols\`) && strings.HasSuffix(key, `\client`):
			parts := strings.Split(s.Key, `\`)
			proto, err := finding.ParseProtocol(parts[len(parts)-2])
			if err != nil {
				continue
			}
			c := clients[proto]
			if c == nil {
				c = &client{}
				clients[proto] = c
			}
			switch name {
			case "enabled":
				c.enabled = &v
			case "disabledbydefault":
				c.disabledByDefault = &v
			default:
				continue
			}
		default:
			continue
		}
		used++
	}
	for p, c := range clients {
		if st.ClientEnabled == nil {
			st.ClientEnabled = map[finding.Protocol]bool{}
		}
		switch {
		case c.enabled != nil && *c.enabled == 0, c.disabledByDefault != nil && *c.disabledByDefault == 1:
			st.ClientEnabled[p] = false
		default:
			st.ClientEnabled[p] = true
		}
	}
	return st, fmt.Sprintf("%d TLS value(s) found on the host", used), nil
}
