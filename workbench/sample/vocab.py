"""Word lists the synthetic generator draws from. All names and places are common and generic;
e-mail domains are reserved example domains, phone numbers use fictional ranges where one exists."""
from __future__ import annotations

CN_SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
               ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
               ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"),
               ("马", "ma"), ("罗", "luo")]
CN_GIVEN = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
            ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"),
            ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"),
            ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("桂英", "guiying"), ("建华", "jianhua"),
            ("志强", "zhiqiang"), ("晓燕", "xiaoyan"), ("子涵", "zihan"), ("浩然", "haoran"), ("思雨", "siyu")]
CN_CITIES = [("北京市", "朝阳区", "建国路"), ("上海市", "浦东新区", "世纪大道"), ("广州市", "天河区", "天河路"),
             ("深圳市", "南山区", "科技园路"), ("杭州市", "西湖区", "文三路"), ("成都市", "武侯区", "人民南路"),
             ("武汉市", "洪山区", "珞喻路"), ("南京市", "鼓楼区", "中山路")]
# Administrative division codes (first six digits of the resident id) for the cities above.
CN_AREA_CODES = ["110105", "310115", "440106", "440305", "330106", "510107", "420111", "320106"]
CN_PHONE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158",
                     "159", "170", "176", "177", "180", "182", "185", "186", "187", "188", "189", "199"]

EU_FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sophie", "Luca", "Emma", "Mateo", "Julia", "Noah",
            "Chiara", "Hugo", "Elena", "Lars", "Ingrid", "Pierre", "Camille", "Javier", "Lucia", "Piotr",
            "Agnieszka", "Sean", "Aoife", "Maarten", "Sanne"]
EU_LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Martin", "Bernard", "Rossi",
           "Russo", "Bianchi", "García", "Fernández", "López", "de Vries", "Jansen", "Kowalski", "Nowak",
           "Andersson", "Johansson", "Murphy", "Kelly", "Lefebvre", "Romano", "Novak"]
# country, cities, street words, postcode length
EU_PLACES = [("DE", ["Berlin", "München", "Hamburg", "Köln"], ["Hauptstraße", "Bahnhofstraße", "Gartenweg"], 5),
             ("FR", ["Paris", "Lyon", "Marseille"], ["rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire"], 5),
             ("IT", ["Roma", "Milano", "Torino"], ["Via Roma", "Corso Italia", "Via Garibaldi"], 5),
             ("ES", ["Madrid", "Barcelona", "Valencia"], ["Calle Mayor", "Avenida del Puerto", "Calle Real"], 5),
             ("NL", ["Amsterdam", "Utrecht", "Rotterdam"], ["Kerkstraat", "Dorpsstraat", "Molenweg"], 4),
             ("PL", ["Warszawa", "Kraków"], ["ulica Długa", "ulica Polna"], 5),
             ("SE", ["Stockholm", "Göteborg"], ["Storgatan", "Kungsgatan"], 5),
             ("IE", ["Dublin", "Cork"], ["Main Street", "Church Road"], 0)]
EU_PHONE_CC = {"DE": "+49", "FR": "+33", "IT": "+39", "ES": "+34", "NL": "+31", "PL": "+48", "SE": "+46", "IE": "+353"}

US_FIRST = ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "Daniel",
            "Sarah", "Kevin", "Ashley", "Brian", "Emily", "Carlos", "Maria", "Jose", "Jessica", "Ryan", "Megan"]
US_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
           "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Lee", "Nguyen", "Kim"]
US_CA_CITIES = [("Los Angeles", "213", "900"), ("San Francisco", "415", "941"), ("San Diego", "619", "921"),
                ("Sacramento", "916", "958"), ("San Jose", "408", "951")]
US_NY_CITIES = [("New York", "212", "100"), ("Buffalo", "716", "142")]
US_STREETS = ["Main St", "Oak Ave", "Maple Dr", "Sunset Blvd", "Park Ave", "Cedar Ln", "Elm St"]

EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.cn", "example.de"]

# Clean free-text notes: no digits, no '@' — nothing a detector may claim.
NOTES_EN = ["Customer asked about the loyalty programme.", "Prefers contact by email in the evening.",
            "Complained about late delivery; voucher offered.", "Interested in the premium plan, follow up next quarter.",
            "Requested a copy of the invoice.", "Asked how we use her data; sent the privacy notice.",
            "Returned item, refund approved by the team lead.", "VIP customer, handle with care.",
            "Wants fewer marketing messages.", "Met at the trade fair, warm lead."]
NOTES_ZH = ["客户咨询会员积分规则。", "客户希望晚上通过邮件联系。", "客户投诉物流延迟，已发放优惠券。",
            "对高级套餐感兴趣，下季度跟进。", "客户要求开具发票。", "客户询问个人信息的使用方式，已发送隐私政策。",
            "退货已由组长批准退款。", "重要客户，请优先处理。", "客户希望减少营销短信。"]
# Notes with a hard negative: numbers that are not personal data (amounts, versions, dates).
NOTES_NEGATIVE = ["Upgraded to app version v4.2.1 last week.", "Order total EUR 149.90, paid in full.",
                  "Delivery rescheduled to 2026-05-03.", "订单金额 2599.00 元，已付款。"]
# Templates embedding one value of a category: {v} is replaced by the planted value.
NOTES_PII = {
    "phone": ["Call back on {v} about the refund.", "客户新手机号 {v}，请更新。"],
    "email": ["Send the contract to {v} instead.", "客户备用邮箱{v}"],
    "card_number": ["Customer read out card {v} on the phone, refund to it.", "退款银行卡号 {v}"],
    "national_id": ["身份证{v}已核实。", "ID card number {v} checked at the counter."],
}
