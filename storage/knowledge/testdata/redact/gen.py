# Writes snippets.jsonl and customers.json (python3 gen.py from the repository root): 160 snippets from templates, then the hand-written hard cases and texts without personal data, each labelled with the spans a reviewer removes.
import json, random
random.seed(13)
directory = {
 "people": [
  {"full":"王伟","first":"伟","last":"王"},
  {"full":"李娜","first":"娜","last":"李"},
  {"full":"张建国","first":"建国","last":"张"},
  {"full":"陈晓明"},
  {"full":"Sophie Martin","first":"Sophie","last":"Martin"},
  {"full":"Jean-Luc Moreau","first":"Jean-Luc","last":"Moreau"},
  {"full":"Amélie Durand","first":"Amélie","last":"Durand"},
  {"full":"John Carter","first":"John","last":"Carter"},
  {"full":"Priya Natarajan","first":"Priya","last":"Natarajan"},
  {"full":"Oliver Bennett"},
 ],
 "accounts": ["上海华信科技有限公司","Contoso Ltd","Fabrikam SARL","北京远景集团","Northwind Traders"],
 "members": ["刘洋","Emma Wilson","Lucas Petit"]
}
people = [("王伟","zh"),("李娜","zh"),("张建国","zh"),("陈晓明","zh"),("Sophie Martin","x"),("Jean-Luc Moreau","x"),("Amélie Durand","x"),("John Carter","x"),("Priya Natarajan","x"),("Oliver Bennett","x")]
emails = ["wang.wei@huaxin.cn","lina@fabrikam.fr","sophie.martin@contoso.com","jl.moreau@fabrikam.fr","j.carter+support@northwind.example","priya_n@contoso.co.uk","chen-xm@yuanjing.com.cn","amelie.durand@orange.fr"]
cn_mobiles = ["13812345678","139 1234 5678","+86 138 0013 8000","+86-135-1111-2222","15900001111","186-2233-4455"]
cn_land = ["010-62345678","021-5888 9999","(0755) 8666 1234","0571-88776655"]
fr = ["06 12 34 56 78","01.45.67.89.10","+33 6 12 34 56 78","+33 (0)1 42 68 53 00","07-88-99-00-11","0033 6 98 76 54 32"]
intl = ["+44 20 7946 0958","+1 (425) 555-0100","+49 30 901820","+65 6123 4567","+1-206-555-0147"]
cases = ["CAS-01234-AB12CD","CAS-77881-Z9Y8X7","cas-40021-k3m4n5","CAS-10001-QWERTY"]
tickets_zh = [("工单号：","TK-20481"),("工单号 ","88231"),("案例号：","SR-77120")]
tickets_en = [("case number ","INC-55012"),("ticket #","48213"),("Case No. ","SR-9981")]
tickets_fr = [("dossier n° ","DOS-44120"),("numéro de dossier ","A-77231"),("dossier ","F-30012")]
members = ["刘洋","Emma Wilson","Lucas Petit"]
accounts_short = {"上海华信科技有限公司":"上海华信科技","Contoso Ltd":"Contoso","Fabrikam SARL":"Fabrikam","北京远景集团":"北京远景","Northwind Traders":"Northwind Traders"}

out = []
def add(lang, text, spans, set="templated"):
    out.append({"lang":lang,"set":set,"text":text,"spans":[{"kind":k,"text":t} for k,t in spans]})

zh_t = [
 ("{n}说付款已经安排了，请确认。", ["name"]),
 ("请把发票发到 {e}，谢谢！", ["email"]),
 ("客户电话 {p}，下午可以联系。", ["phone"]),
 ("{n}的邮箱是{e}，手机{p}。", ["name","email","phone"]),
 ("{c} 已经升级处理，{n}在等回复。", ["case","name"]),
 ("{tz}{tn}，联系人{n}。", ["ticket","name"]),
 ("座机 {l}，找{n}。", ["land","name"]),
 ("{a}那边反馈打印机又坏了。", ["account"]),
 ("王先生说下周三再来看。", ["wang"]),
]
en_t = [
 ("{n} confirmed the payment went out yesterday.", ["name"]),
 ("Please email {e} with the signed PO.", ["email"]),
 ("Call {n} on {i} before noon.", ["name","intl"]),
 ("Escalated {c} for {n}; waiting on engineering.", ["case","name"]),
 ("Customer at {a} says the VPN drops every hour.", ["account"]),
 ("Re {te}{tn}: {n} asked for a callback at {p}.", ["ticket","name","phone"]),
 ("Reach me at {e} or {i}.", ["email","intl"]),
]
fr_t = [
 ("{n} a confirmé le paiement hier soir.", ["name"]),
 ("Merci d'écrire à {e} pour le devis.", ["email"]),
 ("Vous pouvez joindre {n} au {f}.", ["name","fr"]),
 ("Le {c} concerne {n}, relance demain.", ["case","name"]),
 ("Chez {a}, la facture n'est pas arrivée.", ["account"]),
 ("Pour le {tf}{tn}, rappeler au {f}.", ["ticket","fr"]),
 ("Contact : {n} <{e}>", ["name","email"]),
]
def fill(tpl, kinds, lang):
    spans=[]
    if kinds==["wang"]: return tpl,[("name","王先生")]
    vals={}
    text=tpl
    def sub(key, val, kind):
        nonlocal text
        text=text.replace("{"+key+"}", val, 1)
        spans.append((kind,val))
    # process in order of appearance
    import re
    for m in re.finditer(r"\{(\w+)\}", tpl):
        k=m.group(1)
        if k=="n":
            n=random.choice([p for p,_ in people if (p_zh(p)==(lang=="zh")) or random.random()<0.2])
            sub("n",n,"name")
        elif k=="e": sub("e",random.choice(emails),"email")
        elif k=="p": sub("p",random.choice(cn_mobiles),"phone")
        elif k=="l": sub("l",random.choice(cn_land),"phone")
        elif k=="f": sub("f",random.choice(fr),"phone")
        elif k=="i": sub("i",random.choice(intl),"phone")
        elif k=="c": sub("c",random.choice(cases),"case")
        elif k=="a":
            a=random.choice(list(accounts_short)); v=random.choice([a,accounts_short[a]])
            sub("a",v,"name")
        elif k in("tz","te","tf"):
            pre,num=random.choice({"tz":tickets_zh,"te":tickets_en,"tf":tickets_fr}[k])
            text=text.replace("{"+k+"}",pre,1); vals["tn"]=num
        elif k=="tn":
            sub("tn",vals["tn"],"case")
    return text,spans
def p_zh(p): return any('\u4e00'<=c<='\u9fff' for c in p)
for lang,tpls,n in (("zh",zh_t,60),("en",en_t,50),("fr",fr_t,50)):
    for i in range(n):
        tpl,kinds=tpls[i%len(tpls)]
        text,spans=fill(tpl,kinds,lang)
        add(lang,text,spans)
# hand-written: negatives and hard cases (labelled by what a reviewer would remove)
hand = [
 ("zh","订单 20260315 已发货，金额 12,800.00 元。",[]),
 ("zh","会议定在 2026-03-04 10:30，地点 3 楼。",[]),
 ("zh","版本 4.12.0 修复了这个问题。",[]),
 ("zh","刘洋已经回复了客户。",[]),
 ("zh","请联系王总确认合同。",[("name","王总")]),
 ("zh","李女士说发票抬头写错了。",[("name","李女士")]),
 ("zh","张工今天上门。",[("name","张工")]),
 ("zh","晓明明天休假。",[("name","晓明")]),
 ("zh","手机号13912345678已验证。",[("phone","13912345678")]),
 ("zh","他的微信是 wangwei_88。",[("name","wangwei_88")]),
 ("zh","邮箱 wang wei at huaxin dot cn 收不到。",[("email","wang wei at huaxin dot cn")]),
 ("zh","快递单号 SF1234567890123 已签收。",[]),
 ("zh","IP 10.0.12.254 无法访问。",[]),
 ("zh","#付款 问题已解决，感谢上海华信的配合。",[("name","上海华信")]),
 ("zh","陈经理说周五前给答复。",[("name","陈经理")]),
 ("zh","工单 CAS-00042-ABCDEF 已关闭。",[("case","CAS-00042-ABCDEF")]),
 ("zh","请拨打 400-820-8820 服务热线。",[]),
 ("zh","价格是 1380 元每台，共 5678 台。",[]),
 ("en","Order 4500012345 shipped on 2026-03-02.",[]),
 ("en","Emma Wilson will follow up tomorrow.",[]),
 ("en","Lucas Petit owns the escalation.",[]),
 ("en","Martin Luther King Day is a holiday.",[]),
 ("en","john carter said it's fine.",[("name","john carter")]),
 ("en","Ping Oliver about the renewal.",[("name","Oliver")]),
 ("en","The invoice total is 1,234,567.89 USD.",[]),
 ("en","Build 2026.03.1842 is on the server.",[]),
 ("en","Contoso's admin reset the password.",[("name","Contoso")]),
 ("en","Call 555-0100 ext. 12.",[("phone","555-0100")]),
 ("en","Her number is (425) 555-0199.",[("phone","(425) 555-0199")]),
 ("en","Mail support@contoso.com for anything else.",[("email","support@contoso.com")]),
 ("en","The carter service lane is closed.",[]),
 ("en","Mr Bennett approved the quote.",[("name","Bennett")]),
 ("en","Version 10.0.19045 is affected.",[]),
 ("en","Priya will join the call.",[("name","Priya")]),
 ("fr","Rendez-vous le 12/03/2026 à 14h30.",[]),
 ("fr","Le montant est de 12 500,00 € HT.",[]),
 ("fr","Mme Durand attend le technicien.",[("name","Durand")]),
 ("fr","M. Moreau a validé la commande.",[("name","Moreau")]),
 ("fr","Lucas Petit rappellera le client.",[]),
 ("fr","Appelez le 01 23 45 67 89 demain.",[("phone","01 23 45 67 89")]),
 ("fr","SIRET 732 829 320 00074 du client.",[]),
 ("fr","La martingale ne marche pas.",[]),
 ("fr","Sophie dit que c'est urgent.",[("name","Sophie")]),
 ("fr","Amelie Durand a écrit hier.",[("name","Amelie Durand")]),
 ("fr","Commande n° 2026-0451 livrée.",[]),
 ("fr","Écrivez à amelie.durand@orange.fr ou au 0612345678.",[("email","amelie.durand@orange.fr"),("phone","0612345678")]),
 ("fr","Fabrikam a reçu le colis.",[("name","Fabrikam")]),
 ("fr","Code postal 75008 Paris.",[]),
]
for lang,text,spans in hand: add(lang,text,spans,"hand")
with open("storage/knowledge/testdata/redact/snippets.jsonl","w") as f:
    for o in out: f.write(json.dumps(o,ensure_ascii=False)+"\n")
with open("storage/knowledge/testdata/redact/customers.json","w") as f:
    json.dump({"people":directory["people"],"accounts":directory["accounts"],"members":directory["members"]},f,ensure_ascii=False,indent=1)
print(len(out))
