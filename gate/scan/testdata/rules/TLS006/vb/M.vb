Imports System.Net
Public Class C
    Sub Init()
        Dim handler = New HttpClientHandler With {.SslProtocols = SslProtocols.Tls12, .UseProxy = False}
        ServicePointManager.ServerCertificateValidationCallback = New RemoteCertificateValidationCallback(AddressOf ValidateCert)
        ServicePointManager.ServerCertificateValidationCallback =
            Function(sender, certificate, chain, sslPolicyErrors)
                Return True
            End Function
        If ServicePointManager.SecurityProtocol <> SecurityProtocolType.Tls12 Then ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls12
        With ServicePointManager
            .SecurityProtocol = SecurityProtocolType.Tls Or SecurityProtocolType.Tls11
        End With
        Dim p As SecurityProtocolType = SecurityProtocolType.Ssl3
        ServicePointManager.SecurityProtocol = p
    End Sub
    Private Shared Function ValidateCert(sender As Object, cert As X509Certificate, chain As X509Chain, errs As SslPolicyErrors) As Boolean
        Return True
    End Function
End Class
