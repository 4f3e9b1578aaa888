package tenantsim

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// customerName is one customer company's identity.
type customerName struct {
	Name, Short, Domain, City, Industry, Product string
}

// customerNames returns the pool for a language, in a fixed order. The
// caller may modify the returned slice.
func customerNames(l Lang) []customerName {
	var pool []customerName
	switch l {
	case LangEN:
		pool = enCustomerPool
	case LangFR:
		pool = frCustomerPool
	default:
		pool = zhCustomerPool
	}
	return append([]customerName(nil), pool...)
}

// zhCustomerPool holds the Chinese customers.
var zhCustomerPool = []customerName{
	{"华东精密制造有限公司", "华东精密", "hd-precision.cn", "苏州", "制造业", "MES 生产管理系统"},
	{"星海物流集团有限公司", "星海物流", "xinghai-logistics.com.cn", "上海", "物流", "智能仓储系统"},
	{"绿源食品股份有限公司", "绿源食品", "lvyuan-foods.cn", "郑州", "食品加工", "冷链监控平台"},
	{"恒通电气设备有限公司", "恒通电气", "hengtong-elec.com.cn", "无锡", "电气设备", "IoT 网关"},
	{"锦程医药科技有限公司", "锦程医药", "jincheng-pharma.cn", "杭州", "医药", "GMP 质量管理系统"},
	{"天诚建设工程有限公司", "天诚建设", "tiancheng-build.cn", "成都", "建筑工程", "项目协同平台"},
	{"嘉禾零售连锁有限公司", "嘉禾零售", "jiahe-retail.com.cn", "广州", "零售", "门店 POS 系统"},
	{"北辰汽车零部件有限公司", "北辰汽配", "beichen-auto.cn", "长春", "汽车零部件", "ERP 系统"},
	{"海川水务有限公司", "海川水务", "haichuan-water.cn", "青岛", "水务", "远程监测平台"},
	{"瑞丰纺织有限公司", "瑞丰纺织", "ruifeng-textile.cn", "绍兴", "纺织", "排产优化系统"},
	{"金桥电子科技有限公司", "金桥电子", "jinqiao-tech.com.cn", "深圳", "电子制造", "SMT 产线监控系统"},
	{"鼎盛化工有限公司", "鼎盛化工", "dingsheng-chem.cn", "南京", "化工", "安全生产管理平台"},
	{"新程教育科技有限公司", "新程教育", "xincheng-edu.cn", "北京", "教育", "在线培训平台"},
	{"长江航运有限公司", "长江航运", "cj-shipping.com.cn", "武汉", "航运", "船舶调度系统"},
	{"云岭茶业有限公司", "云岭茶业", "yunling-tea.cn", "昆明", "农业", "溯源管理系统"},
	{"宏达机械股份有限公司", "宏达机械", "hongda-machinery.cn", "济南", "装备制造", "设备预测性维护平台"},
	{"安泰物业管理有限公司", "安泰物业", "antai-pm.com.cn", "重庆", "物业管理", "智慧楼宇平台"},
	{"华美家居有限公司", "华美家居", "huamei-home.cn", "佛山", "家居", "订单管理系统"},
	{"东方新能源科技有限公司", "东方新能源", "dongfang-ne.cn", "合肥", "新能源", "电池检测系统"},
	{"远航冷链物流有限公司", "远航冷链", "yuanhang-coldchain.cn", "天津", "冷链物流", "冷链监控平台"},
	{"博瑞医疗器械有限公司", "博瑞医疗", "borui-medical.com.cn", "深圳", "医疗器械", "UDI 追溯系统"},
	{"中恒钢构有限公司", "中恒钢构", "zhongheng-steel.cn", "唐山", "钢结构", "ERP 系统"},
	{"盛世印务有限公司", "盛世印务", "shengshi-print.cn", "东莞", "印刷", "生产排程系统"},
	{"青禾乳业有限公司", "青禾乳业", "qinghe-dairy.cn", "呼和浩特", "乳制品", "冷链监控平台"},
	{"德信金融服务有限公司", "德信金服", "dexin-fin.com.cn", "上海", "金融服务", "客户关系管理系统"},
	{"凯越酒店管理有限公司", "凯越酒店", "kaiyue-hotels.cn", "厦门", "酒店", "能耗管理平台"},
	{"正大农机有限公司", "正大农机", "zhengda-agri.cn", "石家庄", "农业机械", "IoT 网关"},
	{"蓝海港口服务有限公司", "蓝海港口", "lanhai-port.com.cn", "宁波", "港口物流", "堆场管理系统"},
	{"华信通信技术有限公司", "华信通信", "huaxin-comm.cn", "西安", "通信", "网络监控平台"},
	{"同和汽车销售服务有限公司", "同和汽车", "tonghe-auto.cn", "长沙", "汽车销售", "DMS 经销商管理系统"},
	{"万象商业管理有限公司", "万象商业", "wanxiang-biz.cn", "南昌", "商业地产", "招商管理系统"},
	{"精工模具有限公司", "精工模具", "jinggong-mould.cn", "宁波", "模具", "MES 生产管理系统"},
	{"丰泽农业科技有限公司", "丰泽农业", "fengze-agritech.cn", "哈尔滨", "农业", "智慧农场平台"},
	{"明光照明有限公司", "明光照明", "mingguang-lighting.com.cn", "中山", "照明", "WMS 仓储管理系统"},
	{"瀚宇半导体有限公司", "瀚宇半导体", "hanyu-semi.cn", "无锡", "半导体", "良率分析系统"},
	{"福临食品有限公司", "福临食品", "fulin-food.cn", "福州", "食品", "质量追溯平台"},
	{"和瑞环保科技有限公司", "和瑞环保", "herui-env.cn", "杭州", "环保", "排放在线监测系统"},
	{"顺达快运有限公司", "顺达快运", "shunda-express.com.cn", "郑州", "快递物流", "TMS 运输管理系统"},
	{"泰和制药有限公司", "泰和制药", "taihe-pharm.cn", "石家庄", "制药", "实验室信息管理系统"},
	{"华南包装材料有限公司", "华南包装", "huanan-pack.cn", "东莞", "包装", "ERP 系统"},
	{"新锐智能装备有限公司", "新锐智能", "xinrui-ie.cn", "苏州", "智能装备", "设备联网平台"},
	{"银河数据服务有限公司", "银河数据", "yinhe-data.com.cn", "贵阳", "数据中心", "机房动环监控系统"},
}

// enCustomerPool holds the English-speaking customers.
var enCustomerPool = []customerName{
	{"Northwind Traders Ltd", "Northwind", "northwind-traders.co.uk", "Manchester", "Wholesale distribution", "Warehouse Management System"},
	{"Harbour Freight Logistics Ltd", "Harbour Freight", "harbourfreight.co.uk", "Southampton", "Logistics", "Fleet Tracking Platform"},
	{"Blue Ridge Foods Inc.", "Blue Ridge Foods", "blueridgefoods.com", "Atlanta", "Food processing", "Cold-Chain Monitoring Platform"},
	{"Caledonia Engineering Ltd", "Caledonia", "caledonia-eng.co.uk", "Glasgow", "Engineering", "Predictive Maintenance Suite"},
	{"Pinecrest Medical Supplies Inc.", "Pinecrest", "pinecrest-medical.com", "Denver", "Medical devices", "Quality Management System"},
	{"Kestrel Energy plc", "Kestrel Energy", "kestrel-energy.co.uk", "Aberdeen", "Energy", "Asset Monitoring Platform"},
	{"Summit Retail Group Inc.", "Summit Retail", "summitretail.com", "Chicago", "Retail", "Point-of-Sale System"},
	{"Oakfield Manufacturing Co.", "Oakfield", "oakfield-mfg.com", "Cleveland", "Manufacturing", "MES"},
	{"Brightwater Utilities Ltd", "Brightwater", "brightwater-utilities.co.uk", "Leeds", "Utilities", "IoT Telemetry Gateway"},
	{"Redwood Construction LLC", "Redwood", "redwood-construction.com", "Sacramento", "Construction", "Project Collaboration Platform"},
	{"Lakeside Pharmaceuticals Ltd", "Lakeside Pharma", "lakeside-pharma.co.uk", "Cambridge", "Pharmaceuticals", "LIMS"},
	{"Granite Peak Hotels LLC", "Granite Peak", "granitepeakhotels.com", "Seattle", "Hospitality", "Energy Management Platform"},
	{"Meridian Shipping Ltd", "Meridian", "meridian-shipping.co.uk", "Liverpool", "Shipping", "Yard Management System"},
}

// frCustomerPool holds the French customers.
var frCustomerPool = []customerName{
	{"Maison Dufour SAS", "Maison Dufour", "maison-dufour.fr", "Lyon", "Agroalimentaire", "Plateforme de suivi du froid"},
	{"Transports Lefèvre et Fils", "Transports Lefèvre", "transports-lefevre.fr", "Lille", "Transport", "Système de gestion d'entrepôt"},
	{"Ateliers Mécaniques du Rhône", "AMR", "amr-industrie.fr", "Saint-Étienne", "Mécanique", "MES"},
	{"Laboratoires Béranger", "Béranger", "labo-beranger.fr", "Montpellier", "Pharmacie", "LIMS"},
	{"Groupe Hôtelier Azur", "Azur Hôtels", "azur-hotels.fr", "Nice", "Hôtellerie", "Plateforme de gestion énergétique"},
	{"Coopérative Val de Loire", "Val de Loire", "coop-valdeloire.fr", "Tours", "Agriculture", "Plateforme de traçabilité"},
	{"Électricité Bretonne SA", "Élec Bretonne", "elec-bretonne.fr", "Rennes", "Énergie", "Passerelle IoT"},
	{"Bâtiments Moreau SARL", "Bâtiments Moreau", "batiments-moreau.fr", "Nantes", "BTP", "Plateforme collaborative de chantier"},
	{"Pharmacies Girard SA", "Girard", "pharmacies-girard.fr", "Bordeaux", "Distribution pharmaceutique", "ERP"},
	{"Verrerie de Normandie", "Verrerie Normande", "verrerie-normandie.fr", "Rouen", "Industrie verrière", "Maintenance prédictive"},
	{"Logistique Garnier SAS", "Garnier Logistique", "garnier-logistique.fr", "Marseille", "Logistique", "TMS"},
	{"Fromageries Chevalier", "Chevalier", "fromageries-chevalier.fr", "Clermont-Ferrand", "Agroalimentaire", "Système de suivi qualité"},
	{"Imprimerie Rousseau SARL", "Rousseau", "imprimerie-rousseau.fr", "Strasbourg", "Imprimerie", "Logiciel de planification"},
}

// cityPinyin romanizes the Chinese cities of zhCustomerPool for messages
// written in another language. It is never modified.
var cityPinyin = map[string]string{
	"苏州": "Suzhou", "上海": "Shanghai", "郑州": "Zhengzhou", "无锡": "Wuxi", "杭州": "Hangzhou",
	"成都": "Chengdu", "广州": "Guangzhou", "长春": "Changchun", "青岛": "Qingdao", "绍兴": "Shaoxing",
	"深圳": "Shenzhen", "南京": "Nanjing", "北京": "Beijing", "武汉": "Wuhan", "昆明": "Kunming",
	"济南": "Jinan", "重庆": "Chongqing", "佛山": "Foshan", "合肥": "Hefei", "天津": "Tianjin",
	"唐山": "Tangshan", "东莞": "Dongguan", "呼和浩特": "Hohhot", "厦门": "Xiamen", "石家庄": "Shijiazhuang",
	"宁波": "Ningbo", "西安": "Xi'an", "长沙": "Changsha", "南昌": "Nanchang", "哈尔滨": "Harbin",
	"中山": "Zhongshan", "福州": "Fuzhou", "贵阳": "Guiyang",
}

// hanName is a Chinese name part and its pinyin, without tone marks.
type hanName struct{ han, pinyin string }

// zhSurnames are common Chinese family names.
var zhSurnames = []hanName{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"},
	{"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"},
	{"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"高", "gao"},
	{"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"}, {"宋", "song"},
	{"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"}, {"邓", "deng"}, {"曹", "cao"},
	{"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"}, {"潘", "pan"},
	{"袁", "yuan"}, {"蒋", "jiang"}, {"蔡", "cai"}, {"余", "yu"},
}

// zhGivenNames are Chinese given names of one or two characters.
var zhGivenNames = []hanName{
	{"芳", "fang"}, {"伟", "wei"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"强", "qiang"},
	{"磊", "lei"}, {"洋", "yang"}, {"艳", "yan"}, {"勇", "yong"}, {"军", "jun"}, {"杰", "jie"},
	{"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀英", "xiuying"}, {"霞", "xia"},
	{"平", "ping"}, {"刚", "gang"}, {"桂英", "guiying"}, {"建华", "jianhua"}, {"志强", "zhiqiang"}, {"晓明", "xiaoming"},
	{"海燕", "haiyan"}, {"丽娟", "lijuan"}, {"俊杰", "junjie"}, {"子涵", "zihan"}, {"欣怡", "xinyi"}, {"浩然", "haoran"},
	{"宇轩", "yuxuan"}, {"思远", "siyuan"}, {"雨萱", "yuxuan"}, {"婷婷", "tingting"}, {"佳琪", "jiaqi"}, {"文博", "wenbo"},
	{"天佑", "tianyou"}, {"嘉怡", "jiayi"}, {"梓萱", "zixuan"}, {"一鸣", "yiming"}, {"晨曦", "chenxi"}, {"若楠", "ruonan"},
	{"国栋", "guodong"}, {"振华", "zhenhua"}, {"立新", "lixin"}, {"红梅", "hongmei"}, {"春燕", "chunyan"}, {"永刚", "yonggang"},
	{"志明", "zhiming"}, {"秋菊", "qiuju"}, {"亚楠", "yanan"}, {"凯", "kai"}, {"鹏", "peng"}, {"斌", "bin"},
	{"琳", "lin"}, {"颖", "ying"}, {"倩", "qian"}, {"雪", "xue"}, {"昊", "hao"}, {"瑶", "yao"},
	{"旭东", "xudong"}, {"家豪", "jiahao"}, {"梦瑶", "mengyao"}, {"诗涵", "shihan"},
}

// enGivenNames and enSurnames make English names.
var (
	enGivenNames = []string{
		"James", "Oliver", "Emma", "Sophie", "Thomas", "Charlotte", "Daniel", "Grace",
		"William", "Amelia", "Jack", "Olivia", "Harry", "Isla", "George", "Emily",
		"Michael", "Sarah", "David", "Laura", "Benjamin", "Hannah", "Samuel", "Lucy",
		"Matthew", "Rachel", "Andrew", "Claire", "Ryan", "Megan", "Joshua", "Chloe",
	}
	enSurnames = []string{
		"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
		"Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
		"Hall", "Wood", "Jackson", "Clarke", "Patel", "Hughes", "Edwards", "Turner",
		"Cooper", "Hill", "Ward", "Morris", "Harris", "Campbell", "Mitchell", "O'Connor",
	}
)

// frGivenNames and frSurnames make French names.
var (
	frGivenNames = []string{
		"Hélène", "Céline", "Élodie", "Camille", "Chloé", "Manon", "Léa", "Amélie",
		"Mathilde", "Aurélie", "Sophie", "Claire", "Isabelle", "Nathalie", "Émilie", "Julien",
		"Mathieu", "Nicolas", "Thomas", "Antoine", "François", "Jérôme", "Sébastien", "Guillaume",
		"Benoît", "Frédéric", "Olivier", "Pierre", "Laurent", "Stéphane", "Jean-Baptiste", "Marie-Claire",
	}
	frSurnames = []string{
		"Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Leroy", "Moreau", "Simon",
		"Laurent", "Michel", "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupont",
		"Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Faure", "André", "Mercier",
		"Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Legrand", "Gauthier", "Perrin",
	}
)

// jobTitles are customer contacts' titles, per language.
var (
	zhJobTitles = []string{
		"采购经理", "采购专员", "财务主管", "财务经理", "IT 运维工程师", "信息部经理", "IT 主管",
		"生产经理", "质量主管", "仓储主管", "项目经理", "总经理助理", "设备工程师", "物流专员", "运营总监",
	}
	enJobTitles = []string{
		"Procurement Manager", "Finance Controller", "IT Operations Engineer", "Head of IT",
		"Plant Manager", "Quality Lead", "Warehouse Supervisor", "Project Manager",
		"Operations Director", "Accounts Payable Specialist", "Logistics Coordinator", "Maintenance Engineer",
	}
	frJobTitles = []string{
		"Responsable achats", "Contrôleur de gestion", "Ingénieur d'exploitation IT", "DSI",
		"Directeur d'usine", "Responsable qualité", "Chef de projet", "Responsable logistique",
		"Comptable fournisseurs", "Technicien de maintenance", "Directrice des opérations", "Acheteuse",
	}
)

// personName returns a realistic person name for the language and an ASCII
// e-mail local part for it ("given.surname": pinyin for Chinese, accents
// removed for French).
func personName(r *rand.Rand, l Lang) (given, surname, display, local string) {
	switch l {
	case LangZH:
		s, g := zhSurnames[r.IntN(len(zhSurnames))], zhGivenNames[r.IntN(len(zhGivenNames))]
		return g.han, s.han, s.han + g.han, g.pinyin + "." + s.pinyin
	case LangFR:
		given, surname = frGivenNames[r.IntN(len(frGivenNames))], frSurnames[r.IntN(len(frSurnames))]
	default:
		given, surname = enGivenNames[r.IntN(len(enGivenNames))], enSurnames[r.IntN(len(enSurnames))]
	}
	return given, surname, given + " " + surname, asciiFold(given) + "." + asciiFold(surname)
}

// jobTitle returns a plausible job title in the language for a customer
// contact.
func jobTitle(r *rand.Rand, l Lang) string {
	titles := zhJobTitles
	switch l {
	case LangEN:
		titles = enJobTitles
	case LangFR:
		titles = frJobTitles
	}
	return titles[r.IntN(len(titles))]
}

// foldAccents maps accented Latin letters to their ASCII base.
var foldAccents = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y",
	"œ", "oe", "æ", "ae",
)

// asciiFold lowercases s, removes accents and drops everything that is not
// an ASCII letter, for use in e-mail addresses.
func asciiFold(s string) string {
	s = foldAccents.Replace(strings.ToLower(s))
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' {
			return c
		}
		return -1
	}, s)
}

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			return true
		}
	}
	return false
}

// latinCompanyName derives the Latin-script name a Chinese company uses
// abroad from its e-mail domain: "hd-precision.cn" -> "HD Precision",
// "hd-precision2.cn" -> "HD Precision 2".
func latinCompanyName(domain string) string {
	label, _, _ := strings.Cut(domain, ".")
	base := strings.TrimRight(label, "0123456789")
	words := strings.FieldsFunc(base, func(c rune) bool { return c == '-' })
	for i, w := range words {
		if len(w) <= 3 {
			words[i] = strings.ToUpper(w)
		} else {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	if n := label[len(base):]; n != "" {
		words = append(words, n)
	}
	return strings.Join(words, " ")
}
