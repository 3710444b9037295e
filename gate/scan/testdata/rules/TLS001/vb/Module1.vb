Imports System.Net

Module Module1
    Sub Main()
        ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls Or SecurityProtocolType.Tls11 Or SecurityProtocolType.Tls12
        ServicePointManager.SecurityProtocol = _
            SecurityProtocolType.Ssl3 Or _
            SecurityProtocolType.Tls12
        ServicePointManager.SecurityProtocol = CType(3072, SecurityProtocolType)
        ServicePointManager.SecurityProtocol = ServicePointManager.SecurityProtocol Or SecurityProtocolType.Tls12
        If ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls Then
            Console.WriteLine("old")
        End If
        ServicePointManager.SecurityProtocol = ServicePointManager.SecurityProtocol And Not SecurityProtocolType.Ssl3
        ' ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls
        REM ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3
        ServicePointManager.SecurityProtocol = &HC00 Or &H300
        ServicePointManager.ServerCertificateValidationCallback = Function(s, c, ch, e) True
        ServicePointManager.ServerCertificateValidationCallback = AddressOf AcceptAll
        AppContext.SetSwitch("Switch.System.Net.DontEnableSchUseStrongCrypto", True)
    End Sub

    Private Function AcceptAll(sender As Object, cert As X509Certificate, chain As X509Chain, errors As SslPolicyErrors) As Boolean
        Return True
    End Function
End Module
