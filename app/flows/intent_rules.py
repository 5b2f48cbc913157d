"""Word knowledge the intent model starts from: chat spellings and word classes.

The model (intent_model.py) learns its weights from the labelled corpus, but a corpus of a few
thousand messages cannot contain every greeting of the archipelago or every spelling of "thanks".
The word classes below give the model a feature ("LEX:greet") shared by all the words of a
class, so a word never seen in training but listed here (or a close typo of one) counts like the
words that were seen. Service names are not here: they come from the catalog.
"""

from __future__ import annotations


def _classes(table: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """`{class: "word word ..."}` turned into `{word: (class, ...)}`."""
    found: dict[str, tuple[str, ...]] = {}
    for name, words in table.items():
        for word in words.split():
            if name not in found.get(word, ()):
                found[word] = (*found.get(word, ()), name)
    return found


def words_of_list(text: str) -> frozenset[str]:
    """The space-separated words of a list written as one string."""
    return frozenset(text.split())


# Chat spellings and regional forms, mapped after textmatch.normalize (which knows the common
# ones such as "sy", "gak", "blm"). Only words whose meaning does not depend on context.
SPELLING: dict[str, str] = dict(
    pair.split("=")
    for pair in words_of_list(
        "bs=bisa bsa=bisa bisakah=bisa jd=jadi jdi=jadi dadi=jadi dados=jadi aj=saja aja=saja "
        "ajah=saja dmn=dimana dmana=dimana mana=mana kpn=kapan kapn=kapan bgmn=gimana "
        "bagaimana=gimana gimna=gimana gmana=gimana gimane=gimana kumaha=gimana pripun=gimana "
        "baa=gimana knp=kenapa napa=kenapa mksh=makasih makasi=makasih mkasih=makasih "
        "mksih=makasih trims=makasih trimakasih=makasih terimakasih=makasih tq=thanks thx=thanks "
        "ty=thanks tengkyu=thanks dr=dari sm=sama lg=lagi bgt=banget tp=tapi trus=terus "
        "trs=terus org=orang skrg=sekarang sdh=sudah sampun=sudah alah=sudah parantos=sudah "
        "pls=please plis=please plz=please tolong=tolong tulung=tolong mhn=mohon kmn=kemana "
        "pengen=ingin pgn=ingin pingin=ingin nio=mau badhe=mau bade=mau hoyong=mau "
        "damel=buat mambuek=buat buek=buat ngadamel=buat bkn=bukan ilang=hilang ical=hilang "
        "leungit=hilang raib=hilang lahia=lahir lair=lahir sedo=meninggal pupus=meninggal "
        "maningga=meninggal komplen=komplain complain=komplain komplin=komplain "
        "ngadu=mengadu lelet=lambat lambek=lambat kuciwa=kecewa ok=oke okay=oke okey=oke "
        "oki=oke sip=sip sipp=sip nggih=iya inggih=iya muhun=iya iye=iya iyaa=iya yoi=iya "
        "mboten=tidak henteu=tidak kagak=tidak ora=tidak teu=tidak dereng=belum acan=belum "
        "durung=belum blom=belum belom=belum klg=keluarga gk=tidak g=tidak "
        # Sundanese
        "abdi=saya naros=tanya tumaros=tanya tos=sudah atos=sudah ngalih=pindah "
        "iraha=kapan sabaraha=berapa kamana=kemana ieu=ini eta=itu maot=meninggal "
        "didamel=buat nyuhunkeun=minta bapa=bapak naon=apa ngalahirkeun=melahirkan "
        "kulawarga=keluarga budak=anak wae=saja dinten=hari saptu=sabtu kamari=kemarin "
        "ayeuna=sekarang rengse=selesai butut=rusak soek=sobek "
        # Javanese
        "kula=saya nopo=apa punapa=apa opo=apa piye=gimana pundi=dimana endi=mana "
        "pinten=berapa piro=berapa niki=ini iki=ini niku=itu kuwi=itu wonten=ada enten=ada "
        "ono=ada arep=mau ajeng=mau pengin=ingin gawe=buat ndamel=buat seda=meninggal "
        "tilar=meninggal pindhah=pindah boyongan=pindah nyuwun=minta rawuh=datang "
        "piyambak=sendiri dhewe=sendiri dewe=sendiri suwe=lama dangu=lama kesuwen=lama "
        "ngapunten=maaf leres=benar sanes=bukan mbayar=bayar sedanten=semua saged=bisa iso=bisa "
        "enggal=baru anyar=baru carane=caranya kanggo=untuk kangge=untuk dhateng=ke wingi=kemarin "
        "saiki=sekarang mawon=saja "
        # Minang
        "awak=saya bara=berapa bilo=kapan dima=dimana kama=kemana alun=belum urang=orang "
        "mintak=minta kini=sekarang kapatang=kemarin tarimo=terima apo=apa batua=betul "
        "mangecek=bicara lamo=lama caronyo=caranya pasa=pasar "
        # Bugis-Makassar and Batak
        "mauka=mau mauki=mau maumi=mau aha=apa boasa=kenapa andigan=kapan nunga=sudah "
        "dang=tidak ndang=tidak "
        # Chat spellings, typos and Jakarta slang
        "gue=saya gw=saya gua=saya ane=saya mw=mau mao=mau pen=ingin udeh=sudah ude=sudah "
        "blon=belum lom=belum tks=thanks tengkiu=thanks makacih=makasih trmksh=makasih "
        "trmakasih=makasih kpt=ktp kelg=keluarga kluarga=keluarga stts=status "
        "sttus=status syrt=syarat srt=surat brapa=berapa brpa=berapa bsk=besok nnti=nanti "
        "ntar=nanti entar=nanti gimn=gimana dimn=dimana mksd=maksud ptgs=petugas adm=admin "
        "mksi=makasih pliss=please mimin=admin btl=batal gjd=gajadi gajd=gajadi urs=urus "
        "relocating=relocate relocated=relocate moved=move nevermind=never permit=license"
    )
)

# Phrases read as one word (after SPELLING), where the words one by one would mislead: a
# birth date is a form field, not a birth; "kartu indonesia sehat" is a health card, not a
# language; "dicetak ulang" asks for a reprint, it does not ask whether it is printed; the
# birth letter from the midwife is a document of the birth certificate, not the certificate.
PHRASES: dict[str, str] = {
    "tanggal lahir": "tanggallahir",
    "tgl lahir": "tanggallahir",
    "tempat lahir": "tempatlahir",
    "tanggal lahirnya": "tanggallahir",
    "tgl lahirnya": "tanggallahir",
    "tempat lahirnya": "tempatlahir",
    "date of birth": "tanggallahir",
    "place of birth": "tempatlahir",
    "kartu indonesia sehat": "kis",
    "kartu indonesia pintar": "kip",
    "indonesian id": "id",
    "indonesian identity": "identity",
    "surat keterangan lahir": "suratlahir",
    "surat lahir": "suratlahir",
    "surat lahirnya": "suratlahir",
    "surat keterangan kematian": "suratkematian",
    "surat keterangan meninggal": "suratkematian",
    "dicetak ulang": "cetak ulang",
    "dicetak lagi": "cetak ulang",
    "cetak lagi": "cetak ulang",
}

_BASE_CLASSES: dict[str, str] = {
    "greet": "halo hallo helo hello hai hi hey hei oi woi ping punten sampurasun tabe "
    "sugeng horas assalamualaikum asalamualaikum assalamu alaikum salam asslmkm aslmkm "
    "askum swastiastu shalom salom pagi siang sore malam malem enjing sonten dalu "
    "permisi misi kulonuwun kulanuwun mejuah juah yaahowu njuah tabea morning afternoon "
    "evening greetings wassalam rahayu",
    "thanks": "makasih thanks thank terima kasih matur nuwun suwun nuhun tarimo "
    "kasuwun maturnuwun syukron appreciate",
    "ack": "oke sip mantap mantul noted baik baiklah siap alright good nice great cool "
    "beres paham mengerti",
    "yes": "iya ya yes yup betul benar bener setuju boleh lanjut lanjutkan correct gas lai",
    "no": "tidak bukan jangan no nope salah keliru ndak indak",
    "notyet": "belum nanti besok later yet dulu",
    "ask": "apa gimana kapan berapa dimana mana kenapa apakah siapa bisa boleh how what "
    "when where which why can does do is are tanya nanya bertanya info informasi",
    "want": "mau ingin butuh perlu minta buat bikin urus ngurus mengurus mengajukan "
    "ajukan daftar cetak ganti perpanjang need want apply make get renew replace request",
    "problem": "hilang rusak patah sobek retak dicuri dicopet kebakar terbakar basah "
    "lost broken damaged stolen expired kadaluarsa habis mati salah keliru",
    "status": "status jadi selesai diproses proses progres progress sampai kabar kabarnya "
    "update lacak tracking track ready rampung terbit dicetak jadinya diambil ambil "
    "diverifikasi beres",
    "ticket": "nomor tiket ticket permohonan pengajuan berkas application",
    "require": "syarat syaratnya persyaratan persyaratannya syaraik sarat syaratipun "
    "dokumen berkas bawa dibawa siapkan disiapkan requirements requirement documents "
    "document bring lampiran",
    "fee": "biaya bayar gratis ongkos harga tarif pungutan denda retribusi cost fee free "
    "pay uang admin",
    "duration": "lama berapa hari minggu cepat sehari seminggu long days waktu",
    "inperson": "datang langsung sendiri diwakilkan wakil online jauh person someone",
    "office": "kantor alamat lokasi buka tutup jam libur sabtu minggu senin jumat "
    "telepon telpon email office open hours address loket",
    "pickup": "ambil diambil ambilnya pengambilan diantar antar dikirim kirim pos "
    "pickup delivered deliver",
    "human": "petugas operator admin cs orang manusia human agent person officer staff "
    "pegawai langsung nyata beneran bicara ngomong nyarios matur chat hubungkan "
    "sambungkan telepon telpon ditelpon konsultasi someone",
    "help": "tolong bantu bantuan help mohon sos tulungan",
    "cancel": "batal batalkan batalin membatalkan dibatalkan cancel stop berhenti sudahi "
    "udahan gajadi sido keluar exit quit forget hapus",
    "language": "bahasa english inggris language indonesian indonesia indo foreigner asing speak",
    "complaint": "komplain keluhan mengeluh pengaduan mengadu adu kecewa lambat buruk "
    "jelek parah pungli pungutan liar calo judes galak kasar lama kesal marah "
    "mengecewakan keterlaluan becus payah terrible bad awful disappointed complain "
    "complaint pelicin kritik puas profesional dipingpong protes unacceptable rude bribe",
    "outofscope": "sim paspor passport pajak pbb npwp bpjs kis bansos pkh blt sembako "
    "prakerja sertifikat tanah skck sktm nib imb bpkb stnk nikah kua cerai perceraian "
    "umroh haji cpns lowongan tilang listrik pdam vaksin driving license tax taxes "
    "usaha",
    "menuword": "menu mulai start restart home layanan pilihan options utama awal ulang "
    "kembali balik services",
    "switch": "eh maksud maksudnya salah bukan ganti aja saja meant sorry",
    "send": "kirim kirimnya foto file upload pdf fotonya kepencet",
    "praise": "bagus cepat ramah membantu helpful memuaskan lancar sukses semoga berkah "
    "sehat terbantu",
}
# Words added after reading the mistakes of cross-validation (regional, English, complaint and
# out-of-scope vocabulary the corpus had too few of).
_MORE_CLASSES = {
    "greet": "waalaikumsalam walaikumsalam howdy",
    "thanks": "mauliate kurru sumange grateful appreciated",
    "ack": "okelah understood fine wokey",
    "cancel": "hentikan urungkan urung usah never abort",
    "complaint": "ribet susah sulit dipersulit persulit kacau tertib transparan lalai keberatan "
    "oknum ridiculous "
    "imbalan bayaran ditahan slow mess nobody ignored cuek dicuekin diabaikan berbelit mahal "
    "ngaret molor bohong menipu curang sombong ketus antri antre antrean",
    "human": "bales balas jawab real customer",
    "help": "assist support",
    "require": "prepare wajib harus mesti formulir form suratlahir suratkematian",
    "inperson": "diwakili behalf titip nitip dititipkan kuasa perwakilan abroad overseas remote "
    "luar",
    "office": "weekend saturday sunday holiday lebaran cuti istirahat gedung disdukcapil dukcapil",
    "pickup": "collect jemput kurir courier delivery",
    "status": "notif notifikasi perkembangan news done",
    "outofscope": "kip pintar visa imigrasi ajb notaris ppat jkn ijazah trayek siup sppt iuran "
    "beasiswa subsidi pupuk pinjaman pinjol rujuk talak isbat itsbat pengadilan",
    "ask": "inquire question ask tanyain",
}
WORD_CLASSES: dict[str, tuple[str, ...]] = _classes(
    {name: f"{words} {_MORE_CLASSES.get(name, '')}" for name, words in _BASE_CLASSES.items()}
)

# Background sentences that residents put before what they ask, used to tell a story's request
# from what it mentions in passing (intents.train_models). They name statuses and services
# already dealt with, on purpose.
STORY_OPENINGS = (
    "kemarin saya sudah cek status kk, katanya sudah beres.",
    "minggu lalu saya tanya status akte anak ke petugas, sudah jadi.",
    "kk saya sudah jadi bulan lalu, terima kasih banyak.",
    "saya sudah pindah ke sini dua tahun lalu.",
    "dulu saya urus akte kelahiran anak lewat sini dan lancar.",
    "katanya status permohonan bisa dicek lewat wa ini.",
    "tadi saya cek status ktp di kantor desa, masih diproses.",
    "anak saya yang pertama sudah punya kia.",
    "ktp saya sudah beres tahun lalu, tidak ada masalah.",
)
