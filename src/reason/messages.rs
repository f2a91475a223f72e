//! What each reason code says to people, in Chinese and in English.
//!
//! Short phrases a clerk reads in a report or an error line, without final
//! punctuation; the stable code goes beside them (`证照已被注销
//! [LICENCE_REVOKED]`). `scripts/gen-reasons.py` reads this table into
//! docs/REASONS.md, so every entry keeps the one-line form
//! `Variant => ("中文", "English"),`.

use super::ReasonCode;
use crate::lang::Lang;

impl ReasonCode {
    /// What the code says to people, in `lang`: `证照已被注销` /
    /// `The licence has been revoked` for `LICENCE_REVOKED`. The same words
    /// in the command line, the HTTP service, C and JavaScript; they may be
    /// reworded between releases, the code never is.
    pub const fn message(self, lang: Lang) -> &'static str {
        let (zh, en) = self.messages();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The Chinese and the English message.
    #[rustfmt::skip]
    const fn messages(self) -> (&'static str, &'static str) {
        use ReasonCode::*;
        match self {
            Ok => ("通过", "Passed"),
            QrVersionUnsupported => ("二维码为旧版格式，已不再受理，请重新签发", "The code is in an old format no longer accepted; the licence must be reissued"),
            DictionaryUnknown => ("二维码使用了本软件不认识的压缩字典，请更新软件", "The code needs a compression dictionary this software lacks; update it"),
            CatalogueMalformed => ("证照目录格式有误", "The licence catalogue does not follow the format"),
            CatalogueConflict => ("证照目录存在重复或相互矛盾的定义", "The licence catalogue defines something twice or contradicts itself"),
            CatalogueTooLarge => ("证照目录超出大小上限", "The licence catalogue is larger than allowed"),
            CatalogueRollback => ("证照目录比已有的版本旧", "The licence catalogue is older than the one already held"),
            CatalogueSignerInvalid => ("证照目录的签发者无权签发", "The licence catalogue is not signed by the root that must sign it"),
            CatalogueValueTypeUnknown => ("证照目录使用了未知的信息项类型", "The licence catalogue uses an item type this version does not know"),
            CatalogueNationalTypeRedefined => ("地方证照目录不得重新定义国家证照类型", "A region's catalogue may not redefine a national licence type"),
            LicenceTypeUnknown => ("证照目录中没有该证照类型", "No licence catalogue held defines this licence type"),
            NotChecked => ("未进行（前一项未通过或缺少所需信息）", "Not checked (an earlier check did not pass, or its input is absent)"),
            QrPrefixInvalid => ("不是电子证照二维码", "This is not an electronic licence code"),
            InputTooLarge => ("输入内容超出长度上限", "The input is longer than allowed"),
            Base45InvalidCharacter => ("二维码内容含有不应出现的字符", "The code contains characters that do not belong in it"),
            Base45ValueOutOfRange => ("二维码内容编码有误", "The code's text is wrongly encoded"),
            Base45InvalidLength => ("二维码内容长度不对，可能不完整", "The code's text has an impossible length; it may be incomplete"),
            HexInvalidLength => ("十六进制文本的位数为奇数", "The hex text has an odd number of digits"),
            PayloadEncodingUnknown => ("二维码内容为空或编码方式无法识别", "The code is empty or in an unknown encoding"),
            ZlibInvalid => ("二维码数据已损坏或不完整", "The code's data is corrupt or incomplete"),
            ZlibTooLarge => ("二维码数据解压后超出上限", "The code's data unpacks to more than allowed"),
            QrNotFound => ("图片中没有找到可读的二维码", "No readable QR code was found in the picture"),
            InvalidArgument => ("给出的参数有误", "An argument given is invalid"),
            StorageFailed => ("读写存储失败，操作未执行", "Storage failed; nothing was changed"),
            InternalError => ("程序内部错误，请报告此问题", "An internal error in elicense; please report it"),
            CborMalformed => ("数据格式错误或不完整", "The data is malformed or incomplete"),
            CborIndefiniteLength => ("数据使用了不允许的不定长编码", "The data uses an indefinite length, which is not allowed"),
            CborDuplicateKey => ("数据中有重复的键", "The data repeats a key"),
            CborTrailingBytes => ("数据末尾有多余内容", "The data has extra bytes at its end"),
            CborTooDeep => ("数据嵌套层数过多", "The data is nested too deeply"),
            CborItemTooLarge => ("数据中某一项过大", "An item of the data is too large"),
            CborUnsupported => ("数据使用了不支持的编码特性", "The data uses an encoding feature that is not supported"),
            CoseUntagged => ("签名结构缺少标记", "The signed structure lacks its tag"),
            CoseMalformed => ("签名结构格式错误", "The signed structure is malformed"),
            CoseAlgMissing => ("未注明签名算法", "The signature algorithm is not stated"),
            CoseAlgUnprotected => ("签名算法未受签名保护", "The signature algorithm is not covered by the signature"),
            CoseAlgUnsupported => ("不接受该签名算法", "The signature algorithm is not accepted"),
            CoseKidMissing => ("未注明签名密钥标识", "The signer's key identifier is missing"),
            CoseTypMissing => ("未注明内容类型", "The content type is not stated"),
            CoseTypMismatch => ("内容类型不符，不是所需的那类文件", "This is a different kind of document than expected"),
            CoseCriticalHeader => ("含有无法识别的关键参数", "It has a critical parameter that is not understood"),
            SignerUnknown => ("找不到签发机关的证书", "The issuer's certificate is not known"),
            SignatureInvalid => ("签名验证未通过，内容可能被篡改", "The signature does not verify; the content may have been altered"),
            SignatureNonCanonical => ("签名格式不规范", "The signature is not in canonical form"),
            AlgKeyMismatch => ("签名算法与签名证书的密钥不符", "The signature algorithm does not match the signer's key"),
            KeyWeak => ("签名公钥是弱密钥", "The signer's public key is weak"),
            KeyInvalid => ("密钥无法读取", "The key could not be read"),
            SignerFailed => ("外部签名设备出错", "The external signer failed"),
            CertMalformed => ("证书无法读取或不符合规范", "A certificate could not be read or breaks the profile"),
            CertExpired => ("签名时签名证书已过期", "The signing certificate had expired at the time of signing"),
            CertNotYetValid => ("签名时签名证书尚未生效", "The signing certificate was not yet valid at the time of signing"),
            CertWrongEku => ("签名证书无权作此类签名", "The signing certificate is not authorised for this kind of signature"),
            CertCaAsEndEntity => ("直接使用了CA证书签名", "A CA certificate was used as a signing certificate"),
            CertUnknownCriticalExtension => ("证书含有无法识别的关键扩展", "A certificate has a critical extension that is not understood"),
            CertSignatureInvalid => ("证书上的签名验证未通过", "A certificate's signature does not verify"),
            IssuerNotTrusted => ("签名证书不是由受信任的根证书签发的", "The signing certificate does not chain to a trusted root"),
            CertChainInvalid => ("证书链无效", "The certificate chain is invalid"),
            CertRegionMismatch => ("签发机关证书的地区与其根证书不符", "The issuer's region does not match its root's region"),
            CertAuthorityCodeMissing => ("签发机关证书缺少有效的统一社会信用代码", "The issuer's certificate lacks a valid credit code"),
            CertBasicConstraintsMissing => ("签发机关证书缺少基本约束扩展", "The issuer's certificate lacks its basic constraints"),
            CreditCodeRegionMismatch => ("签发机关的统一社会信用代码不属于其根证书所在地区", "The issuer's credit code was registered outside its root's region"),
            LicenceMalformed => ("证照内容不符合格式", "The licence content does not follow the format"),
            LicenceFieldInvalid => ("证照中有信息项不符合规则", "A licence field breaks its rule"),
            HolderCodeCheckFailed => ("持证主体代码的校验位不符（早期试点代码）", "The holder's code fails its check character (an early pilot code)"),
            LicenceIssuedInFuture => ("证照的签发时间晚于当前时间", "The licence claims to be issued in the future"),
            LicenceNotYetValid => ("证照尚未生效", "The licence is not valid yet"),
            LicenceExpired => ("证照已过有效期", "The licence has expired"),
            BundleMalformed => ("信任包文件不符合格式", "The trust bundle file does not follow the format"),
            TrustListMalformed => ("信任列表不符合格式", "A trust list does not follow the format"),
            TrustListSignerInvalid => ("信任列表不是由规定的密钥签署的", "A trust list is not signed by the key that must sign it"),
            TrustListRollback => ("信任列表比已有的旧（回退）", "A trust list is older than one already held"),
            TrustListStale => ("信任列表已过期，需要更新", "A trust list is out of date"),
            TrustListMissing => ("缺少签发地区的信任列表", "The issuing region's trust list is missing"),
            TrustListConflict => ("信任列表中有重复或矛盾的条目", "A trust list has duplicate or conflicting entries"),
            AuthorityNotListed => ("签发机关不在其所在地区的信任列表上", "The issuing authority is not on its region's trust list"),
            AuthorityTypeNotAuthorised => ("签发机关无权签发此类证照", "The authority may not issue this type of licence"),
            AuthorityCompromised => ("签发机关的密钥在签发前已泄露", "The authority's key was compromised before this was issued"),
            AuthorityRetired => ("签发机关在签发前已停用", "The authority had been retired before this was issued"),
            StatusListMalformed => ("状态列表不符合格式", "The status list does not follow the format"),
            StatusListMissing => ("缺少签发机关的状态列表", "The issuing authority's status list is missing"),
            StatusListBitsInvalid => ("状态列表每项的位数不合规定", "The status list's bits per entry are not allowed"),
            StatusListTooLarge => ("状态列表超出大小上限", "The status list is larger than allowed"),
            StatusIndexOutOfRange => ("状态序号超出状态列表的范围", "The status index lies outside the status list"),
            StatusValueUnknown => ("状态列表给出了未定义的状态", "The status list gives an undefined status"),
            StatusListWrongSubject => ("状态列表不是该签发机关的", "The status list is not the one for this authority"),
            StatusListStale => ("状态列表已过期，需要更新", "The status list is out of date"),
            StatusTransitionInvalid => ("不能从当前状态作此变更", "This status change is not allowed from the current status"),
            StatusListIssuedInFuture => ("状态列表的签发时间晚于当前时间", "The status list claims to be issued in the future"),
            StatusNotChecked => ("未核查是否已被注销或暂停", "Nobody checked whether it was revoked or suspended"),
            StatusIndexMissing => ("证照没有状态序号，无法被注销", "The licence has no status index, so it can never be revoked"),
            LicenceRevoked => ("证照已被注销", "The licence has been revoked"),
            LicenceSuspended => ("证照已被暂停使用", "The licence is suspended"),
            IdentifierMalformed => ("标识或代码格式错误", "An identifier or code is malformed"),
            IdentifierCheckFailed => ("标识或代码的校验位不符", "An identifier's check character is wrong"),
            RegionNotAccepted => ("本地不认可该地区签发的证照", "Licences from the issuing region are not accepted here"),
            TypeNotRecognised => ("本地不认可外地签发的此类证照", "This type of licence from other regions is not recognised here"),
            TrustLevelTooLow => ("证照的信任等级低于本地要求", "The licence's trust level is below what is required here"),
            PurposeNotAccepted => ("本地不认可外地证照用于此用途", "Licences from other regions are not accepted for this purpose"),
            PolicyInvalid => ("互认策略文件有误", "The recognition policy file is invalid"),
            SealMalformed => ("印章不符合格式", "The seal does not follow the format"),
            SealPictureInvalid => ("印章图片已损坏或过大", "The seal picture is malformed or too large"),
            SealPictureUnsafe => ("印章图片含有不安全的内容", "The seal picture contains unsafe content"),
            SealedSignatureMalformed => ("电子签章不符合格式", "The sealed signature does not follow the format"),
            SignerNotInSeal => ("签章人的证书不在印章所列证书之中", "The signer's certificate is not one the seal lists"),
            SealOwnerMismatch => ("签章人不是该单位印章的所有者", "The signer does not own the organisation seal"),
            SealNotYetValid => ("盖章时印章尚未生效", "The seal was not yet valid when the document was sealed"),
            SealExpired => ("盖章时印章已过期", "The seal had expired when the document was sealed"),
            SealRevoked => ("印章已被注销", "The seal has been revoked"),
            SealSuspended => ("印章已被暂停使用", "The seal is suspended"),
            DocumentDigestMismatch => ("文件不是盖章时的那份，可能已被改动", "The document is not the one sealed; it may have been changed"),
            SealedInFuture => ("盖章时间晚于当前时间", "The sealing time lies in the future"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn is_cjk(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }

    #[test]
    fn every_code_has_a_chinese_and_an_english_message_of_its_own() {
        let mut zh_seen: HashMap<&str, ReasonCode> = HashMap::new();
        let mut en_seen: HashMap<&str, ReasonCode> = HashMap::new();
        for &code in ReasonCode::ALL {
            let (zh, en) = (code.message(Lang::Zh), code.message(Lang::En));
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{code}");
            // Chinese words in the Chinese message, none in the English one.
            assert!(zh.chars().any(is_cjk), "{code}: {zh}");
            assert!(!en.chars().any(is_cjk), "{code}: {en}");
            assert!(
                en.starts_with(|c: char| c.is_ascii_uppercase()),
                "{code}: {en}"
            );
            // Short phrases, no final full stop (the code follows them).
            for m in [zh, en] {
                assert!(!m.ends_with(['.', '。']), "{code}: {m}");
                assert!(m.chars().count() <= 80, "{code}: {m}");
            }
            // Two codes never say the same thing, in either language.
            if let Some(other) = zh_seen.insert(zh, code) {
                panic!("{code} and {other} both say {zh}");
            }
            if let Some(other) = en_seen.insert(en, code) {
                panic!("{code} and {other} both say {en}");
            }
        }
        assert_eq!(ReasonCode::LicenceRevoked.message(Lang::Zh), "证照已被注销");
        assert_eq!(
            ReasonCode::LicenceRevoked.message(Lang::En),
            "The licence has been revoked"
        );
    }

    #[test]
    fn the_table_keeps_the_one_line_form_the_generator_reads() {
        // scripts/gen-reasons.py reads `Variant => ("…", "…"),` lines.
        let table = include_str!("messages.rs");
        for code in ReasonCode::ALL {
            let line = format!(
                "{:?} => ({:?}, {:?}),",
                code,
                code.message(Lang::Zh),
                code.message(Lang::En)
            );
            assert!(table.contains(&line), "not on one line: {line}");
        }
    }
}
