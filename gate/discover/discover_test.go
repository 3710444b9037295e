package discover

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

func file(p, text string) *source.File { return source.New(p, source.KindOf(p), text, source.UTF8) }

const webConfig = `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="PaymentsApi" value="https://payments.example.com/v2/" />
    <add key="Plain" value="http://insecure.example.com/" />
    <add key="Partner" value="https://#{PartnerHost}#/api" />
    <add key="ApiUrl" value="$(ApiUrl)" />
    <add key="Title" value="hello" />
  </appSettings>
  <connectionStrings>
    <add name="Db" connectionString="Server=tcp:sql.example.com,1433;Database=x;Encrypt=True" providerName="System.Data.SqlClient" />
    <add name="Db2" connectionString="Server=sql2.example.com;Encrypt=Strict" />
    <add name="NoTls" connectionString="Server=sql3.example.com;Encrypt=False" />
    <add name="Pg" connectionString="Host=pg.example.com;Port=5433;SslMode=Require" providerName="Npgsql" />
  </connectionStrings>
  <system.serviceModel>
    <client>
      <endpoint address="https://wcf.example.com/Service.svc" binding="basicHttpBinding" contract="IService" />
      <endpoint address="net.tcp://wcf.example.com:808/Service.svc" binding="netTcpBinding" contract="IService" />
    </client>
  </system.serviceModel>
  <system.net>
    <mailSettings>
      <smtp from="a@example.com">
        <network host="smtp.example.com" port="587" enableSsl="true" />
      </smtp>
    </mailSettings>
  </system.net>
  <applicationSettings>
    <Legacy.Properties.Settings>
      <setting name="ServiceUrl" serializeAs="String">
        <value>https://settings.example.com:8443/svc</value>
      </setting>
    </Legacy.Properties.Settings>
  </applicationSettings>
</configuration>
`

const appSettings = `{
  "ConnectionStrings": {
    "Main": "Server=tcp:{{DbHost}},1433;Encrypt=True"
  },
  "Upstream": { "BaseUrl": "https://upstream.example.org", "Retries": 3 },
  "List": ["https://a.example.org:444/x", "not a url"]
}
`

func TestFiles(t *testing.T) {
	apps := []finding.Application{
		{Name: "Web", Kind: "web", ProjectFile: "Web/Web.csproj", Configs: []string{"Web/Web.config"}},
		{Name: "Svc", Kind: "exe", ProjectFile: "Svc/Svc.csproj"},
	}
	got := Files([]*source.File{file("Web/Web.config", webConfig), file("Svc/appsettings.Production.json", appSettings)}, apps)
	var lines []string
	for _, e := range got {
		lines = append(lines, fmt.Sprintf("%s %s %s target=%q probeable=%t starttls=%q reason=%t", e.Location, e.Application, e.Source, e.Target, e.Probeable, e.StartTLS, e.Reason != ""))
	}
	want := []string{
		`Svc/appsettings.Production.json:3:13 Svc connectionStrings target="" probeable=false starttls="" reason=true`,
		`Svc/appsettings.Production.json:5:28 Svc appsettings.json target="upstream.example.org:443" probeable=true starttls="" reason=false`,
		`Svc/appsettings.Production.json:6:12 Svc appsettings.json target="a.example.org:444" probeable=true starttls="" reason=false`,
		`Web/Web.config:4:28 Web appSettings target="payments.example.com:443" probeable=true starttls="" reason=false`,
		`Web/Web.config:6:24 Web appSettings target="" probeable=false starttls="" reason=true`,
		`Web/Web.config:7:23 Web appSettings target="" probeable=false starttls="" reason=true`,
		`Web/Web.config:11:20 Web connectionStrings target="" probeable=false starttls="" reason=true`,
		`Web/Web.config:12:21 Web connectionStrings target="sql2.example.com:1433" probeable=true starttls="" reason=false`,
		`Web/Web.config:14:20 Web connectionStrings target="pg.example.com:5433" probeable=true starttls="postgres" reason=false`,
		`Web/Web.config:18:17 Web wcf-client target="wcf.example.com:443" probeable=true starttls="" reason=false`,
		`Web/Web.config:19:17 Web wcf-client target="" probeable=false starttls="" reason=true`,
		`Web/Web.config:25:18 Web mailSettings target="smtp.example.com:587" probeable=true starttls="smtp" reason=false`,
		`Web/Web.config:32:16 Web applicationSettings target="settings.example.com:8443" probeable=true starttls="" reason=false`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestFilter(t *testing.T) {
	eps := []Endpoint{{Target: "api.example.com:443"}, {Target: "db.internal:1433"}, {Target: "x.partner.net:443"}}
	keep, drop := Filter(eps, []string{"*.example.com", "*.internal"}, []string{"db.*"})
	if len(keep) != 1 || keep[0].Target != "api.example.com:443" || len(drop) != 2 {
		t.Fatalf("keep %v drop %v", keep, drop)
	}
	keep, _ = Filter(eps, nil, nil)
	if len(keep) != 3 {
		t.Errorf("no lists must keep everything: %v", keep)
	}
}

func TestOwner(t *testing.T) {
	apps := []finding.Application{{Name: "Root", ProjectFile: "Root.csproj"}, {Name: "A", ProjectFile: "src/A/A.csproj"}, {Name: "Lib", Kind: "library", ProjectFile: "src/A/Lib/Lib.csproj"}}
	for p, want := range map[string]string{"src/A/appsettings.json": "A", "src/A/Lib/appsettings.json": "A", "other/appsettings.json": "Root"} {
		if got := ownerOf(p, apps); got != want {
			t.Errorf("ownerOf(%s) = %q, want %q", p, got, want)
		}
	}
}
