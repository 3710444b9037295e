<%@ Application Codebehind="Global.asax.cs" Inherits="LegacyWebApp.MvcApplication" Language="C#" %>
