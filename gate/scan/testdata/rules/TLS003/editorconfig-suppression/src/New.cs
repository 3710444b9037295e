class New { void M() { System.Net.ServicePointManager.SecurityProtocol = System.Net.SecurityProtocolType.Tls12; } }
