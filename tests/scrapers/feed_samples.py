# ruff: noqa: E501
"""Feed bodies for discovery tests, modelled on real feeds described in
../shared/corpus/README.md (VnExpress RSS 2025, VietNamNet RSS). Synthetic, not copies."""

from __future__ import annotations

VNEXPRESS_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
<title>Pháp luật - VnExpress RSS</title>
<description>VnExpress RSS</description>
<image><url>https://s.vnecdn.net/vnexpress/i/v20/logos/vne_logo_rss.png</url>
<title>Tin nhanh VnExpress</title><link>https://vnexpress.net</link></image>
<pubDate>Thu, 06 Feb 2025 21:00:12 +0700</pubDate>
<generator>VnExpress</generator>
<link>https://vnexpress.net/rss/phap-luat.rss</link>
<item>
<title>Bắt nhóm lừa đảo chiếm đoạt 50 tỷ đồng qua mạng</title>
<description><![CDATA[<a href="https://vnexpress.net/bat-nhom-lua-dao-chiem-doat-50-ty-dong-qua-mang-4847001.html"><img src="https://i1-vnexpress.vnecdn.net/2025/02/06/a.jpg?w=1200&h=0&q=100&dpr=1&fit=crop&s=x" ></a></br>Công an TP HCM bắt 12 người trong đường dây lừa đảo đầu tư tiền ảo, chiếm đoạt hơn 50 tỷ đồng của hàng nghìn nạn nhân.]]></description>
<pubDate>Thu, 06 Feb 2025 20:30:48 +0700</pubDate>
<link>https://vnexpress.net/bat-nhom-lua-dao-chiem-doat-50-ty-dong-qua-mang-4847001.html</link>
<guid>https://vnexpress.net/bat-nhom-lua-dao-chiem-doat-50-ty-dong-qua-mang-4847001.html</guid>
<enclosure type="image/jpeg" length="1200" url="https://i1-vnexpress.vnecdn.net/2025/02/06/a.jpg?w=1200&amp;h=0&amp;q=100&amp;dpr=1&amp;fit=crop&amp;s=x"/>
<slash:comments>12</slash:comments>
</item>
<item>
<title>Cựu giám đốc sở lĩnh 8 năm tù</title>
<description><![CDATA[<a href="https://vnexpress.net/cuu-giam-doc-so-linh-8-nam-tu-4846990.html"><img src="https://i1-vnexpress.vnecdn.net/2025/02/06/b.jpg" ></a></br>TAND tỉnh tuyên phạt bị cáo 8 năm tù về tội Vi phạm quy định về đấu thầu.]]></description>
<pubDate>Thu, 06 Feb 2025 19:05:00 +0700</pubDate>
<link>https://vnexpress.net/cuu-giam-doc-so-linh-8-nam-tu-4846990.html</link>
<guid>https://vnexpress.net/cuu-giam-doc-so-linh-8-nam-tu-4846990.html</guid>
<enclosure type="image/jpeg" length="1200" url="https://i1-vnexpress.vnecdn.net/2025/02/06/b.jpg"/>
</item>
<item>
<title>Cựu giám đốc sở lĩnh 8 năm tù</title>
<description><![CDATA[bản lặp]]></description>
<pubDate>Thu, 06 Feb 2025 19:05:00 +0700</pubDate>
<link>https://vnexpress.net/cuu-giam-doc-so-linh-8-nam-tu-4846990.html#box_comment</link>
<guid>dup-guid</guid>
</item>
</channel>
</rss>
""".encode()

VIETNAMNET_RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    "<title>VietNamNet News</title><link>https://vietnamnet.vn</link>"
    "<generator>VietNamNet News</generator><language>vi-VN</language>"
    "<item><title><![CDATA[ Được &amp;apos;Đất Bắc&amp;apos; cứu giúp, cụ bà vượt nạn ]]></title>"
    "<link>https://vietnamnet.vn/duoc-dat-bac-cuu-giup-2370001.html</link>"
    "<description><![CDATA[ Cảnh sát &amp;quot;TP Đồng Nai&amp;quot; đã hỗ trợ. ]]></description>"
    "<pubDate>Fri, 07 Mar 2026 18:34:00 +0700</pubDate></item>"
    "<item><title><![CDATA[ Tai nạn ở xã An Thạnh, TP Cần Thơ ]]></title>"
    "<link>https://vietnamnet.vn/tai-nan-o-xa-an-thanh-2369900.html</link>"
    "<pubDate>Fri, 07 Mar 2026 13:00:00 +0700</pubDate></item>"
    "</channel></rss>"
).encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
  <title>Tin an ninh</title>
  <id>urn:uuid:feed</id>
  <updated>2026-03-07T08:07:18+07:00</updated>
  <entry>
    <title type="html">Kh&amp;#7903;i t&amp;#7889; v&amp;#7909; &lt;b&gt;bu&#244;n l&#7853;u&lt;/b&gt;</title>
    <link rel="alternate" href="/tin-tuc/khoi-to-vu-buon-lau-1234"/>
    <id>tag:example.vn,2026:1234</id>
    <published>2026-03-07T08:01:53+07:00</published>
    <updated>2026-03-07T09:00:00+07:00</updated>
    <summary type="html">&lt;p&gt;T&#243;m t&#7855;t &lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Không có offset</title>
    <link href="https://example.vn/tin-tuc/khong-offset-1235"/>
    <id>tag:example.vn,2026:1235</id>
    <updated>2026-01-19T08:50:00</updated>
  </entry>
  <entry>
    <title>Liên kết javascript</title>
    <link href="javascript:alert(1)"/>
    <id>tag:example.vn,2026:1236</id>
  </entry>
</feed>
""".encode()

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.vn/rss"><title>RDF</title>
    <link>https://example.vn/</link><description>d</description></channel>
  <item rdf:about="https://example.vn/bai-viet-5551.html">
    <title>Bài RDF</title><link>https://example.vn/bai-viet-5551.html</link>
    <dc:date>2026-03-07T08:07:00+07:00</dc:date>
  </item>
</rdf:RDF>
""".encode()

RSS091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>http://old.example.vn/</link>
<description>d</description><language>vi</language>
<item><title>Caf\xe9 news</title><link>http://old.example.vn/news/cafe-20001.htm</link>
<description>Old &amp; plain</description></item>
</channel></rss>
""".encode("latin-1")


def billion_laughs(levels: int = 10) -> bytes:
    decls = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        decls.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    top = f"&lol{levels - 1};"
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(decls) + "\n]>\n"
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>{top}</title><link>https://example.vn/a-10001.html</link>"
        f"<description>{top}</description></item></channel></rss>"
    ).encode()


def quadratic_blowup(entity_size: int = 200_000, refs: int = 20_000) -> bytes:
    ref = "&a;" * refs
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + "x" * entity_size + '">]>\n'
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>bomb</title><link>https://example.vn/a-10002.html</link>"
        f"<description>{ref}</description></item></channel></rss>"
    ).encode()
