"""The real national structure, from ../shared/domain/FACTS.md §1–2 (sources listed there).

Provincial unions as of 2024 come from the 2024 cluster lists (50 of the 52 unions; which
two are missing is unconfirmed). For the 1 July 2025 merger (Resolution 202/2025/QH15) the
union whose province name survives continues as the same organisation; the unions of the
other merged provinces close on 30/06/2025 and are placed under their successor.
"""

import datetime

MERGER_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = datetime.date(2025, 6, 30)
MERGER_DECISION = "Nghị quyết 202/2025/QH15"
CLUSTER_BASIS = "780-HD/LHHN-BCTĐP (20/7/2021); 351-TB/LHHN-BTCCB (26/02/2024)"

NATIONAL = {
    "code": "vufo",
    "name_vi": "Liên hiệp các tổ chức hữu nghị Việt Nam",
    "short_name_vi": "Liên hiệp Hữu nghị Việt Nam",
    "name_en": "Vietnam Union of Friendship Organizations",
    "valid_from": datetime.date(1950, 11, 17),
}

#: cluster number → (name, pre-2025 province codenames of its member unions, confirmed?)
CLUSTERS_2024 = {
    1: (
        "Cụm số 1",
        "Cluster 1",
        [
            "ha_noi", "hai_phong", "quang_ninh", "bac_giang", "bac_ninh", "hai_duong",
            "nam_dinh", "ninh_binh", "thai_binh", "thanh_hoa", "nghe_an", "vinh_phuc",
        ],
        True,
    ),
    2: (
        "Cụm số 2",
        "Cluster 2",
        [
            "cao_bang", "lai_chau", "lao_cai", "ha_giang", "hoa_binh", "son_la", "phu_tho",
            "thai_nguyen", "tuyen_quang", "yen_bai",
        ],
        True,
    ),
    # Cụm 3's list is from 2022; its 2024 list is unconfirmed (FACTS (U) 5).
    3: (
        "Cụm số 3",
        "Cluster 3",
        [
            "ha_tinh", "quang_binh", "quang_tri", "hue", "da_nang", "quang_nam", "binh_dinh",
            "phu_yen", "khanh_hoa", "gia_lai", "dak_lak",
        ],
        False,
    ),
    4: (
        "Cụm số 4 (Đông Nam Bộ mở rộng)",
        "Cluster 4 (extended South-East)",
        [
            "ho_chi_minh", "ba_ria_vung_tau", "binh_duong", "dong_nai", "tay_ninh", "long_an",
            "tien_giang", "ben_tre",
        ],
        True,
    ),
    5: (
        "Cụm số 5 (Đồng bằng sông Cửu Long)",
        "Cluster 5 (Mekong Delta)",
        [
            "can_tho", "an_giang", "kien_giang", "dong_thap", "vinh_long", "tra_vinh",
            "soc_trang", "bac_lieu", "ca_mau",
        ],
        True,
    ),
}  # fmt: skip

#: (cluster, year, head codename, deputy codename, decision)
CLUSTER_LEADERSHIPS = [
    (2, 2024, "lao_cai", "ha_giang", "326/QĐ-LHHN"),
    (3, 2022, "da_nang", None, ""),
    (5, 2024, None, "kien_giang", ""),
]

#: earlier names of unions that continue (old name, valid to)
EARLIER_NAMES = {
    "hue": ("Liên hiệp các tổ chức hữu nghị tỉnh Thừa Thiên Huế", datetime.date(2024, 12, 31)),
}
