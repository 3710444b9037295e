module Net
open System.Net
open System.Net.Http
let handler = new HttpClientHandler(ServerCertificateCustomValidationCallback = (fun _ _ _ _ -> true))
ServicePointManager.ServerCertificateValidationCallback <- fun _ _ _ _ -> true
ServicePointManager.ServerCertificateValidationCallback <- fun _ _ _ errors -> errors = SslPolicyErrors.None
let protocols = SecurityProtocolType.Tls12 ||| SecurityProtocolType.Tls11
ServicePointManager.SecurityProtocol <- protocols
AppContext.SetSwitch("Switch.System.Net.DontEnableSystemDefaultTlsVersions", true)
