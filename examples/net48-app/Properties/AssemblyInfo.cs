using System.Reflection;

[assembly: AssemblyTitle("InvoiceSync")]
[assembly: AssemblyProduct("InvoiceSync")]
[assembly: AssemblyVersion("2.3.0.0")]
