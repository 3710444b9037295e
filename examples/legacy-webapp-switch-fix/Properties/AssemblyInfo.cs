using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("LegacyWebApp")]
[assembly: AssemblyDescription("Checkout front end")]
[assembly: AssemblyConfiguration("")]
[assembly: AssemblyCompany("Example Ltd")]
[assembly: AssemblyProduct("LegacyWebApp")]
[assembly: AssemblyCopyright("Copyright © Example Ltd 2014")]
[assembly: ComVisible(false)]
[assembly: Guid("7d3f6a52-1c4b-4e8a-9f0d-2b6c8e4a1f37")]
[assembly: AssemblyVersion("1.0.0.0")]
[assembly: AssemblyFileVersion("1.0.0.0")]
