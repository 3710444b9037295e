public class Shipping { }
