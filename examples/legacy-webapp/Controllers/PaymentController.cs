using System;
using System.Configuration;
using System.IO;
using System.Net;
using System.Text;
using System.Web.Mvc;

namespace LegacyWebApp.Controllers
{
    public class PaymentController : Controller
    {
        private static readonly string GatewayUrl =
            ConfigurationManager.AppSettings["PaymentGatewayUrl"];

        public ActionResult Index()
        {
            return Content("ok");
        }

        [HttpPost]
        public ActionResult Charge(string orderId, decimal amount)
        {
            var request = (HttpWebRequest)WebRequest.Create(GatewayUrl);
            request.Method = "POST";
            request.ContentType = "application/json";
            request.Timeout = int.Parse(ConfigurationManager.AppSettings["PaymentGatewayTimeoutSeconds"]) * 1000;
            var body = Encoding.UTF8.GetBytes("{\"order\":\"" + orderId + "\",\"amount\":" + amount + "}");
            using (var stream = request.GetRequestStream())
            {
                stream.Write(body, 0, body.Length);
            }
            using (var response = (HttpWebResponse)request.GetResponse())
            using (var reader = new StreamReader(response.GetResponseStream()))
            {
                return Content(reader.ReadToEnd(), "application/json");
            }
        }
    }
}
