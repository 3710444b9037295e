using System;
using System.Configuration;
using System.Net.Http;
using System.Threading.Tasks;

namespace InvoiceSync
{
    internal static class Program
    {
        private static async Task<int> Main()
        {
            // No protocol code: on 4.8 ServicePointManager uses SystemDefault,
            // so the OS decides (TLS 1.2, and TLS 1.3 where the OS has it).
            var baseUrl = ConfigurationManager.AppSettings["InvoiceApiUrl"];
            using (var client = new HttpClient { BaseAddress = new Uri(baseUrl) })
            {
                var body = await client.GetStringAsync("invoices?status=open");
                Console.WriteLine(body.Length);
            }
            return 0;
        }
    }
}
