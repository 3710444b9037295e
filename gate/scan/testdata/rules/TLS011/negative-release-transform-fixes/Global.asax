<%@ Application Language="C#" %>
