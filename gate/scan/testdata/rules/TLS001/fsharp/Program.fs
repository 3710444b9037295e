module Program

open System.Net

// ServicePointManager.SecurityProtocol <- SecurityProtocolType.Ssl3
ServicePointManager.SecurityProtocol <- SecurityProtocolType.Tls ||| SecurityProtocolType.Tls12
ServicePointManager.SecurityProtocol <- SecurityProtocolType.Tls12
ServicePointManager.SecurityProtocol <- enum<SecurityProtocolType> 768
(* ServicePointManager.SecurityProtocol <- SecurityProtocolType.Tls *)
ServicePointManager.ServerCertificateValidationCallback <- RemoteCertificateValidationCallback(fun _ _ _ _ -> true)
