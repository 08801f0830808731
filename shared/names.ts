// Where a person is named inside Chinese citizen text, so screens can mask it (policy: docs/privacy.md).
// Pure rules, no dictionary: the reporter's own name wherever it appears; a name after a cue that introduces
// one (姓名/联系人/我叫/我是/本人/来电人…); a surname followed by a form of address (王师傅, 李阿姨); a surname
// after 姓 (我姓张). A street is not a person: a candidate that runs into a place word (金水路, 陈寨, 郑州) or
// is an ordinary word that starts with a surname character (周边, 高层, 车主) is left alone.

/** Compound surnames first: 欧阳娜娜 is 欧阳 + 娜娜, not 欧 + 阳娜. */
const COMPOUND = [
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐',
  '端木', '独孤', '南宫', '西门', '百里', '呼延', '澹台', '申屠', '钟离', '闻人', '赫连',
]
/** About 250 single surnames: together well over 95 % of people in China. */
const SINGLE = new Set(
  Array.from(
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭' +
      '陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢' +
      '安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路' +
      '游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全' +
      '佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝',
  ),
)
/** Forms of address that follow a surname. */
const TITLES = [
  '先生', '女士', '小姐', '师傅', '阿姨', '大爷', '大妈', '大娘', '大叔', '大姐', '大哥', '大嫂', '老师', '奶奶', '爷爷',
  '老板', '经理', '主任', '书记', '医生', '大夫', '同志', '叔叔', '婶婶', '阿婆', '婆婆', '老太', '老汉', '姐', '哥',
]
/** Words that introduce the writer's or a contact's name. */
const CUES = ['姓名', '联系人', '我叫', '我是', '本人', '来电人', '反映人', '投诉人', '举报人', '报案人', '当事人', '名叫', '叫做']

// Characters that end a name: grammar, verbs of reporting, numbers and units a report puts right after it.
const STOP = new Set(
  Array.from(
    '的了是在住和与及跟同这那我你他她们说反映投诉来电话打想要请希望今昨刚已经因为所以但就都也还又很太不没有把被给让' +
      '向对从到去过着个位名号楼单元室户手机联系家等将称居业租附近此该某现发对面隔壁门口外里内上下前后左右旁边处' +
      '举表认咨询提告先女老诉求需拨致写留',
  ),
)
// Places: a character that only ends a place name (陈寨, 金水区), even right after the surname; and one that
// ends a place only after something else (黄河, 嵩山), since it is also a given name (李江, 张山).
const PLACE_END = new Set(Array.from('路街巷道区县市省州镇乡村庄寨砦垌屯营堡店铺坊沟岗湾洼坡岭楼层栋号院苑园厂场站所局馆'))
const PLACE_END_AFTER = new Set(Array.from('江河湖山城门桥口里'))
/** Ordinary words that begin with a surname character and follow 我是/本人 and the like. */
const WORDS = new Set([
  '周边', '周围', '周末', '高层', '高龄', '高中', '高速', '车主', '车辆', '商户', '商家', '商铺', '管理', '房东', '房主',
  '全职', '全家', '单位', '单身', '常住', '安置', '安保', '方便', '关于', '于是', '时候', '明天', '明年', '和平', '华人',
  '文明', '包租', '宁愿', '尚未', '毛坯', '连续', '万一', '成年', '成都', '江南', '金色', '石头', '黄色', '白天', '龙头',
  '沙发', '党员', '宗教', '边上', '卫生', '米面', '路人', '师范', '车间', '游客', '应届', '景区', '简单', '古代', '谷歌',
  '贾家', '何时', '钱财', '冷库', '费用', '项目', '农民', '农户', '时常', '向来', '严重', '温度', '康复', '齐全', '易燃',
  '乔迁', '施工', '计生', '童装', '宫里', '苗木', '盛夏', '曲线', '蓝色', '卓越', '吉祥', '麦田', '景观', '池塘', '查询',
  '麻烦', '苑内', '迟到', '史上', '雷雨', '龚家', '卜卦', '柏油', '桂花', '臧否', '栾川', '巫山', '丛林', '仲裁', '敖包',
  // matter words of the catalogue that a report may put after 本人/我是 (高压线铁塔, 应急广播, 房屋漏雨…)
  '高压', '古树', '应急', '房屋', '张贴', '高音', '管线', '高空', '田间', '安全', '游乐', '管网', '房产', '商品', '文体',
  '农田', '高校', '高新', '管道', '路灯', '路面', '江边', '河道', '金融', '石材', '林木', '林地', '花坛', '花草', '水电',
])
const HAN = /\p{Script=Han}/u

export type NameKind = 'name' | 'title' | 'surname'
/** A person named in the text: [start, end) in UTF-16 units. 'title' and 'surname' spans hold the surname only. */
export interface NameSpan {
  start: number
  end: number
  kind: NameKind
}

const isHan = (c: string | undefined) => c !== undefined && HAN.test(c)

/** The surname starting at i (one or two characters), or ''. */
function surnameAt(text: string, i: number): string {
  const two = text.slice(i, i + 2)
  if (COMPOUND.includes(two)) return two
  return SINGLE.has(text[i]) ? text[i] : ''
}

/** Words that end a place or an institution's name, after the characters that name it (齐政家园, 齐河实验学校). */
const PLACE_WORDS = ['家园', '花园', '新村', '社区', '小区', '学校', '实验', '中学', '小学', '幼儿园', '医院', '公司', '大厦', '广场', '市场', '公园', '景区', '商场', '超市', '宾馆', '酒店', '工业']

/** Does a place name start at i (金水区, 陈寨, 黄河路, 齐政家园): up to three characters, then a place ending? */
function placeAt(text: string, i: number): boolean {
  for (let k = 1; k <= 4; k++) {
    const c = text[i + k]
    if (PLACE_WORDS.some((w) => text.startsWith(w, i + k))) return true
    if (!isHan(c) || (STOP.has(c) && !PLACE_END.has(c))) return false
    if (PLACE_END.has(c) || (k >= 2 && PLACE_END_AFTER.has(c))) return true
  }
  return false
}

/** A surname character that also ends place names (路, 江…) only counts as one where no word runs into it. */
const placeLike = (s: string) => s.length === 1 && (PLACE_END.has(s) || PLACE_END_AFTER.has(s))

/** Length of a full name (surname + one or two given characters) starting at i, or 0. */
export function nameAt(text: string, i: number): number {
  const surname = surnameAt(text, i)
  if (!surname || placeAt(text, i + surname.length - 1)) return 0
  let end = i + surname.length
  while (end - i - surname.length < 2 && isHan(text[end]) && !STOP.has(text[end]) && !PLACE_END.has(text[end])) end++
  if (end === i + surname.length) return 0
  // An ordinary word that happens to start with a surname character: 周边居民, 高层住户.
  if (WORDS.has(text.slice(i, i + 2))) return 0
  return end - i
}

/** Every person the text names, by the rules above; `known` are names to find wherever they stand. */
export function findNames(text: string, known: readonly (string | null | undefined)[] = []): NameSpan[] {
  const spans: NameSpan[] = []
  for (const raw of known) {
    const name = raw?.trim()
    if (!name || Array.from(name).length < 2) continue
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length))
      spans.push({ start: at, end: at + name.length, kind: 'name' })
  }
  for (const cue of CUES) {
    for (let at = text.indexOf(cue); at >= 0; at = text.indexOf(cue, at + cue.length)) {
      let i = at + cue.length
      while (i < text.length && /[:：\s是为]/.test(text[i]) && i - at - cue.length < 3) i++
      const n = placeLike(text[i]) ? 0 : nameAt(text, i)
      if (n) spans.push({ start: i, end: i + n, kind: 'name' })
    }
  }
  for (let at = text.indexOf('姓'); at >= 0; at = text.indexOf('姓', at + 1)) {
    if (text[at + 1] === '名' || isHan(text[at - 1]) && !/[我他她本其人]/.test(text[at - 1])) continue
    const s = surnameAt(text, at + 1)
    if (s && !isHan(text[at + 1 + s.length]) || (s && STOP.has(text[at + 1 + s.length]))) spans.push({ start: at + 1, end: at + 1 + s.length, kind: 'surname' })
  }
  for (const title of TITLES) {
    for (let at = text.indexOf(title); at >= 0; at = text.indexOf(title, at + title.length)) {
      const s = COMPOUND.includes(text.slice(at - 2, at)) ? text.slice(at - 2, at) : SINGLE.has(text[at - 1]) ? text[at - 1] : ''
      if (!s) continue
      const start = at - s.length
      // 门卫大爷, 社区主任, 文化路老师: the "surname" is the end of a word. Only a boundary, a word that
      // points at a person (找, 的, 和…) or a place before it (3号楼, 隔壁) lets it be a surname.
      const before = text[start - 1]
      if (isHan(before) && placeLike(s)) continue
      if (isHan(before) && !/[找叫问请和与跟是的位给让被向对有说同及等称由据帮替楼号室院区村栋户组队层下上边壁面里头家路街巷道工员民人长]/.test(before)) continue
      if (title.length === 1 && isHan(text[at + 1]) && !STOP.has(text[at + 1])) continue // 王姐 yes, 王哥们 …
      spans.push({ start, end: at, kind: 'title' })
    }
  }
  return merge(spans)
}

/** Overlapping finds become one span (the widest kind wins: a whole name over its surname). */
function merge(spans: NameSpan[]): NameSpan[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const out: NameSpan[] = []
  for (const s of spans) {
    const last = out[out.length - 1]
    if (last && s.start < last.end) {
      if (s.end > last.end) last.end = s.end
      continue
    }
    out.push({ ...s })
  }
  return out
}
